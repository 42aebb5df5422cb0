/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)} · Parley</title>
<style>
body{font-family:system-ui,sans-serif;max-width:26rem;margin:4rem auto;padding:0 1rem;color:#1b1f24}
h1{font-size:1.4rem}label{display:block;margin:.8rem 0 .2rem;font-weight:600}
input[type=text],input[type=password]{width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}
button{margin-top:1rem;padding:.55rem 1.1rem;font-size:1rem;cursor:pointer}
.error{color:#a40e26;background:#ffebe9;padding:.5rem;border-radius:4px}
ul{padding-left:1.2rem}code{background:#f2f4f7;padding:0 .25rem}
</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

/** The sign-in form of an interaction. */
export function renderLoginPage(input: {
  uid: string;
  csrf: string;
  clientName: string;
  error?: string;
  username?: string;
}): string {
  const action = `/oauth/interaction/${encodeURIComponent(input.uid)}/login`;
  return layout(
    'Sign in',
    `<h1>Sign in to Parley</h1>
<p><strong>${escapeHtml(input.clientName)}</strong> wants to act with your identity.</p>
${input.error ? `<p class="error" role="alert">${escapeHtml(input.error)}</p>` : ''}
<form method="post" action="${action}">
<input type="hidden" name="csrf" value="${escapeHtml(input.csrf)}">
<label for="username">Username</label>
<input type="text" id="username" name="username" autocomplete="username" required autofocus value="${escapeHtml(input.username ?? '')}">
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
<form method="post" action="/oauth/interaction/${encodeURIComponent(input.uid)}/abort">
<input type="hidden" name="csrf" value="${escapeHtml(input.csrf)}">
<button type="submit">Cancel</button>
</form>`,
  );
}

/** The consent form: which client, which scopes, for which resources. */
export function renderConsentPage(input: {
  uid: string;
  csrf: string;
  clientName: string;
  username: string;
  scopes: readonly string[];
  resources: ReadonlyArray<{ url: string; scopes: readonly string[] }>;
}): string {
  const base = `/oauth/interaction/${encodeURIComponent(input.uid)}`;
  const items = [
    ...input.scopes.map((scope) => `<li><code>${escapeHtml(scope)}</code></li>`),
    ...input.resources.map(
      (r) =>
        `<li>${escapeHtml(r.url)}${r.scopes.length > 0 ? `: ${r.scopes.map((s) => `<code>${escapeHtml(s)}</code>`).join(' ')}` : ''}</li>`,
    ),
  ];
  return layout(
    'Authorize',
    `<h1>Authorize ${escapeHtml(input.clientName)}</h1>
<p>Signed in as <strong>${escapeHtml(input.username)}</strong>. <strong>${escapeHtml(input.clientName)}</strong> asks for:</p>
<ul aria-label="Requested access">${items.join('')}</ul>
<form method="post" action="${base}/consent">
<input type="hidden" name="csrf" value="${escapeHtml(input.csrf)}">
<button type="submit">Allow</button>
</form>
<form method="post" action="${base}/abort">
<input type="hidden" name="csrf" value="${escapeHtml(input.csrf)}">
<button type="submit">Deny</button>
</form>`,
  );
}

/** An error page for the browser side of the authorization server. */
export function renderErrorPage(error: string, description: string): string {
  return layout(
    'Error',
    `<h1>Something went wrong</h1>
<p class="error" role="alert"><code>${escapeHtml(error)}</code>${description ? `: ${escapeHtml(description)}` : ''}</p>`,
  );
}

/** The device flow's first page: enter the code the CLI printed. @see https://www.rfc-editor.org/rfc/rfc8628#section-3.3 */
export function renderDeviceCodePage(input: {
  action: string;
  xsrf: string;
  error?: string;
  userCode?: string;
}): string {
  return layout(
    'Connect a device',
    `<h1>Connect a device</h1>
<p>Enter the code shown in your terminal.</p>
${input.error ? `<p class="error" role="alert">${escapeHtml(input.error)}</p>` : ''}
<form method="post" action="${escapeHtml(input.action)}">
<input type="hidden" name="xsrf" value="${escapeHtml(input.xsrf)}">
<label for="user_code">Code</label>
<input type="text" id="user_code" name="user_code" autocomplete="off" autocapitalize="characters" required autofocus placeholder="XXXX-XXXX" value="${escapeHtml(input.userCode ?? '')}">
<button type="submit">Continue</button>
</form>`,
  );
}

/** The device flow's confirmation: the user compares the code before signing in. */
export function renderDeviceConfirmPage(input: {
  action: string;
  xsrf: string;
  userCode: string;
  clientName: string;
}): string {
  return layout(
    'Confirm the device',
    `<h1>Confirm the device</h1>
<p><strong>${escapeHtml(input.clientName)}</strong> wants to sign in. Continue only if your terminal shows this code:</p>
<p><code>${escapeHtml(input.userCode)}</code></p>
<form method="post" action="${escapeHtml(input.action)}">
<input type="hidden" name="xsrf" value="${escapeHtml(input.xsrf)}">
<input type="hidden" name="user_code" value="${escapeHtml(input.userCode)}">
<button type="submit" name="confirm" value="yes">Continue</button>
<button type="submit" name="abort" value="yes">Cancel</button>
</form>`,
  );
}

/** The device flow's last page. */
export function renderDeviceDonePage(clientName: string): string {
  return layout(
    'Signed in',
    `<h1>You are signed in</h1>
<p><strong>${escapeHtml(clientName)}</strong> is signed in. You can close this page and return to your terminal.</p>`,
  );
}

/**
 * The confirmation of RP-initiated logout. `form` is oidc-provider's hidden
 * form (with its own CSRF token); the buttons submit it, `logout=yes` to end
 * the session.
 * @see https://openid.net/specs/openid-connect-rpinitiated-1_0.html#RPLogout
 */
export function renderLogoutPage(form: string, clientName: string | undefined): string {
  return layout(
    'Sign out',
    `<h1>Sign out of Parley?</h1>
<p>${clientName ? `<strong>${escapeHtml(clientName)}</strong> asks to end` : 'End'} your Parley sign-in on this browser. Other applications you signed in to with Parley will ask you to sign in again.</p>
${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Sign out</button>
<button type="submit" form="op.logoutForm">Stay signed in</button>`,
  );
}

/** Shown after RP-initiated logout when the client named no page to return to. */
export function renderLoggedOutPage(): string {
  return layout('Signed out', '<h1>Signed out</h1>\n<p>You are signed out of Parley on this browser.</p>');
}
