import { loadAuthConfig } from './console-config.ts';
import { codeChallengeS256, randomUnreserved } from './pkce.ts';

/** A signed-in session: an access token for the admin API, and the refresh token that renews it. */
export interface Session {
  readonly accessToken: string;
  /** Epoch ms. */
  readonly expiresAt: number;
  /** Rotated on every use (the authorization server revokes the grant if an old one is replayed). */
  readonly refreshToken?: string;
}

const SESSION_KEY = 'parley.console.session';
const PENDING_PREFIX = 'parley.console.signin.';
/** Treat a token this close to expiry as expired, so a request does not race it. */
const EXPIRY_SKEW_MS = 15_000;

function storedSession(): Session | undefined {
  const raw = sessionStorage.getItem(SESSION_KEY);
  if (!raw) return undefined;
  try {
    const session = JSON.parse(raw) as Session;
    if (typeof session.accessToken === 'string' && typeof session.expiresAt === 'number') return session;
  } catch {
    // A corrupt entry is the same as none.
  }
  sessionStorage.removeItem(SESSION_KEY);
  return undefined;
}

/** The current session, if its access token has not expired. */
export function currentSession(now = Date.now()): Session | undefined {
  const session = storedSession();
  return session && session.expiresAt - EXPIRY_SKEW_MS > now ? session : undefined;
}

/** Whether someone is signed in here: a live access token, or a refresh token to get one. */
export function isSignedIn(now = Date.now()): boolean {
  return currentSession(now) !== undefined || storedSession()?.refreshToken !== undefined;
}

let refreshing: Promise<Session | undefined> | undefined;

/**
 * A session with a live access token: the current one, or one renewed with
 * the refresh token. Concurrent callers share one refresh, because the
 * refresh token rotates and presenting the old one twice revokes the grant.
 * Undefined (and the session forgotten) when it cannot be renewed.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 */
export function liveSession(): Promise<Session | undefined> {
  const current = currentSession();
  if (current) return Promise.resolve(current);
  const refreshToken = storedSession()?.refreshToken;
  if (refreshToken === undefined) return Promise.resolve(undefined);
  refreshing ??= renew(refreshToken).finally(() => {
    refreshing = undefined;
  });
  return refreshing;
}

async function renew(refreshToken: string): Promise<Session | undefined> {
  try {
    const { config, server } = await loadAuthConfig();
    const response = await fetch(server.token_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        client_id: config.clientId,
        resource: config.resource,
      }),
    });
    if (response.ok) return keep((await response.json()) as TokenResponse, refreshToken);
  } catch {
    // Unreachable or not JSON: the same as refused.
  }
  sessionStorage.removeItem(SESSION_KEY);
  return undefined;
}

interface TokenResponse {
  access_token?: string;
  expires_in?: number;
  refresh_token?: string;
  error_description?: string;
}

function keep(body: TokenResponse, previousRefreshToken?: string): Session | undefined {
  if (!body.access_token) return undefined;
  const refreshToken = body.refresh_token ?? previousRefreshToken;
  const session: Session = {
    accessToken: body.access_token,
    expiresAt: Date.now() + (body.expires_in ?? 300) * 1000,
    ...(refreshToken === undefined ? {} : { refreshToken }),
  };
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  return session;
}

/**
 * Signs out: revokes the refresh token, which ends the grant and every access
 * token issued under it (RFC 7009), forgets the session, then leaves for the
 * authorization server's end-session endpoint, which ends its own sign-in
 * session once the user confirms and comes back to the console.
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.1
 * @see https://openid.net/specs/openid-connect-rpinitiated-1_0.html
 */
export async function signOut(): Promise<void> {
  const refreshToken = storedSession()?.refreshToken;
  sessionStorage.removeItem(SESSION_KEY);
  let auth: Awaited<ReturnType<typeof loadAuthConfig>>;
  try {
    auth = await loadAuthConfig();
  } catch {
    return; // Signed out here regardless; the tokens expire on their own.
  }
  const { config, server } = auth;
  if (refreshToken !== undefined && server.revocation_endpoint) {
    await fetch(server.revocation_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: refreshToken, token_type_hint: 'refresh_token', client_id: config.clientId }),
    }).catch(() => undefined);
  }
  if (!server.end_session_endpoint) return;
  const url = new URL(server.end_session_endpoint);
  url.search = new URLSearchParams({
    client_id: config.clientId,
    post_logout_redirect_uri: config.postLogoutRedirectUri,
  }).toString();
  window.location.assign(url.href);
}

/**
 * Starts authorization code + PKCE (S256): remembers the verifier and the page
 * to return to under a fresh `state`, then leaves for the authorization endpoint.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.1
 */
export async function beginSignIn(returnTo: string): Promise<void> {
  const { config, server } = await loadAuthConfig();
  const verifier = randomUnreserved(64);
  const state = randomUnreserved(43);
  sessionStorage.setItem(PENDING_PREFIX + state, JSON.stringify({ verifier, returnTo }));
  const url = new URL(server.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    scope: 'console',
    resource: config.resource,
    code_challenge: await codeChallengeS256(verifier),
    code_challenge_method: 'S256',
    state,
  }).toString();
  window.location.assign(url.href);
}

/** Why a callback could not complete the sign-in. */
export class SignInError extends Error {
  override name = 'SignInError';
}

/**
 * Completes the sign-in on the redirect URI: checks `state` and `iss`, redeems
 * the code with the verifier, keeps the token, returns the page to go back to.
 * @see https://www.rfc-editor.org/rfc/rfc9207
 */
export async function completeSignIn(callback: URL): Promise<string> {
  const { config, server } = await loadAuthConfig();
  const params = callback.searchParams;
  const state = params.get('state') ?? '';
  const pendingRaw = state ? sessionStorage.getItem(PENDING_PREFIX + state) : null;
  if (state) sessionStorage.removeItem(PENDING_PREFIX + state);
  if (!pendingRaw) throw new SignInError('this sign-in was not started here or was already used; sign in again');
  const pending = JSON.parse(pendingRaw) as { verifier: string; returnTo: string };
  const error = params.get('error');
  if (error) throw new SignInError(params.get('error_description') ?? error);
  const iss = params.get('iss');
  if (iss !== null && iss !== server.issuer) throw new SignInError('the answer came from another issuer');
  const code = params.get('code');
  if (!code) throw new SignInError('the authorization server sent no code');
  const response = await fetch(server.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: config.redirectUri,
      client_id: config.clientId,
      code_verifier: pending.verifier,
      resource: config.resource,
    }),
  });
  const body = (await response.json()) as TokenResponse;
  if (!response.ok || !keep(body)) {
    throw new SignInError(body.error_description ?? `the token endpoint answered ${response.status}`);
  }
  return safeReturnTo(pending.returnTo);
}

/** Only console pages are valid places to return to (no open redirect). */
export function safeReturnTo(path: string): string {
  return /^\/console(\/[A-Za-z0-9._~/-]*)?(\?[^#]*)?$/.test(path) && !path.includes('//') ? path : '/console';
}
