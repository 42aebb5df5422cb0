import { loadAuthConfig } from './console-config.ts';
import { codeChallengeS256, randomUnreserved } from './pkce.ts';

/** A signed-in session: an access token for the admin API. */
export interface Session {
  readonly accessToken: string;
  /** Epoch ms. */
  readonly expiresAt: number;
}

const SESSION_KEY = 'parley.console.session';
const PENDING_PREFIX = 'parley.console.signin.';
/** Treat a token this close to expiry as expired, so a request does not race it. */
const EXPIRY_SKEW_MS = 15_000;

/** The current session, if there is one that has not expired. */
export function currentSession(now = Date.now()): Session | undefined {
  const raw = sessionStorage.getItem(SESSION_KEY);
  if (!raw) return undefined;
  try {
    const session = JSON.parse(raw) as Session;
    if (typeof session.accessToken === 'string' && session.expiresAt - EXPIRY_SKEW_MS > now) return session;
  } catch {
    // A corrupt entry is the same as none.
  }
  sessionStorage.removeItem(SESSION_KEY);
  return undefined;
}

/** Forgets the session (the authorization server's own sign-in cookie is left alone). */
export function signOut(): void {
  sessionStorage.removeItem(SESSION_KEY);
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
  const body = (await response.json()) as { access_token?: string; expires_in?: number; error_description?: string };
  if (!response.ok || !body.access_token) {
    throw new SignInError(body.error_description ?? `the token endpoint answered ${response.status}`);
  }
  const session: Session = {
    accessToken: body.access_token,
    expiresAt: Date.now() + (body.expires_in ?? 300) * 1000,
  };
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  return safeReturnTo(pending.returnTo);
}

/** Only console pages are valid places to return to (no open redirect). */
export function safeReturnTo(path: string): string {
  return /^\/console(\/[A-Za-z0-9._~/-]*)?(\?[^#]*)?$/.test(path) && !path.includes('//') ? path : '/console';
}
