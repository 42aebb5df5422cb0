import { ParleyError } from '@parley/core';
import { z } from 'zod';

/** The OAuth client `parley login` and `parley ask` sign in as (registered by the server at start). */
export const CLI_CLIENT_ID = 'parley-cli';
/** What the CLI asks for: the same scopes `parley dev` gives alice's API key. */
export const CLI_SCOPES = 'a2a mcp';

const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** RFC 8628 §3.5: without `interval`, the client waits 5 seconds; `slow_down` adds 5 more. */
const DEFAULT_INTERVAL_MS = 5_000;
const SLOW_DOWN_MS = 5_000;
const MAX_BACKOFF_MS = 60_000;

/** A fresh access token, and the refresh token to keep for the next time. */
export interface TokenSet {
  readonly accessToken: string;
  readonly refreshToken: string | undefined;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
}

/** What the user is shown: where to go and which code to type. */
export interface DevicePrompt {
  readonly verificationUri: string;
  readonly verificationUriComplete: string | undefined;
  readonly userCode: string;
  readonly expiresInSeconds: number;
}

export interface OAuthCall {
  /** The Parley server (the issuer), no trailing slash. */
  readonly url: string;
  readonly clientId?: string;
  readonly fetch?: typeof fetch;
}

const metadataSchema = z.looseObject({
  token_endpoint: z.string(),
  device_authorization_endpoint: z.string().optional(),
  revocation_endpoint: z.string().optional(),
});
const deviceAuthorizationSchema = z.looseObject({
  device_code: z.string(),
  user_code: z.string(),
  verification_uri: z.string(),
  verification_uri_complete: z.string().optional(),
  expires_in: z.number(),
  interval: z.number().optional(),
});
const tokenSchema = z.looseObject({
  access_token: z.string(),
  refresh_token: z.string().optional(),
  expires_in: z.number().optional(),
});
const errorSchema = z.looseObject({ error: z.string(), error_description: z.string().optional() });

/**
 * The OAuth 2.0 Device Authorization Grant from the device's side: asks for a
 * user code, shows it, and polls the token endpoint at the interval the
 * server gave, slowing down when told to, until the user approves, denies, or
 * the code expires.
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.4
 */
export async function signInWithDeviceFlow(
  call: OAuthCall & {
    readonly resource: string;
    readonly scope?: string;
    readonly show: (prompt: DevicePrompt) => void;
    readonly sleep?: (ms: number) => Promise<void>;
    readonly now?: () => number;
  },
): Promise<TokenSet> {
  const sleep = call.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = call.now ?? Date.now;
  const metadata = await discover(call);
  if (!metadata.device_authorization_endpoint)
    throw signInError('ERR_CLI_SIGN_IN_UNSUPPORTED', `${call.url} offers no device sign-in; pass --api-key KEY`);
  const started = await post(call, metadata.device_authorization_endpoint, {
    client_id: call.clientId ?? CLI_CLIENT_ID,
    scope: call.scope ?? CLI_SCOPES,
    resource: call.resource,
  });
  if (!started.ok) throw await refusal(started, 'the server refused to start a device sign-in');
  const device = deviceAuthorizationSchema.parse(await started.json());
  call.show({
    verificationUri: device.verification_uri,
    verificationUriComplete: device.verification_uri_complete,
    userCode: device.user_code,
    expiresInSeconds: device.expires_in,
  });
  const deadline = now() + device.expires_in * 1000;
  let interval = device.interval === undefined ? DEFAULT_INTERVAL_MS : device.interval * 1000;
  let backoff = interval;
  while (true) {
    await sleep(backoff);
    if (now() >= deadline) throw expired();
    let response: Response;
    try {
      response = await (call.fetch ?? fetch)(
        metadata.token_endpoint,
        formRequest({
          grant_type: DEVICE_CODE_GRANT,
          device_code: device.device_code,
          client_id: call.clientId ?? CLI_CLIENT_ID,
          resource: call.resource,
        }),
      );
    } catch {
      // §3.5: on a connection failure, back off exponentially.
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      continue;
    }
    backoff = interval;
    if (response.ok) return tokenSet(await response.json(), now());
    const error = errorSchema.safeParse(await response.json().catch(() => undefined));
    switch (error.success ? error.data.error : undefined) {
      case 'authorization_pending':
        continue;
      case 'slow_down':
        interval += SLOW_DOWN_MS;
        backoff = interval;
        continue;
      case 'expired_token':
        throw expired();
      case 'access_denied':
        throw signInError('ERR_CLI_SIGN_IN_DENIED', 'the sign-in was cancelled in the browser');
      default:
        throw signInError(
          'ERR_CLI_SIGN_IN_FAILED',
          `the sign-in failed: ${error.success ? (error.data.error_description ?? error.data.error) : `HTTP ${response.status}`}`,
        );
    }
  }
}

/**
 * A refresh_token grant for `resource`; the returned refresh token replaces
 * the one given (rotation). Undefined when the server no longer honours the
 * refresh token (expired, revoked, or the server's data was reset).
 */
export async function refreshAccessToken(
  call: OAuthCall & { readonly refreshToken: string; readonly resource: string },
): Promise<TokenSet | undefined> {
  const metadata = await discover(call);
  const response = await post(call, metadata.token_endpoint, {
    grant_type: 'refresh_token',
    refresh_token: call.refreshToken,
    client_id: call.clientId ?? CLI_CLIENT_ID,
    resource: call.resource,
  });
  if (response.ok) return tokenSet(await response.json(), Date.now());
  const error = errorSchema.safeParse(
    await response
      .clone()
      .json()
      .catch(() => undefined),
  );
  if (error.success && ['invalid_grant', 'invalid_client'].includes(error.data.error)) return undefined;
  throw await refusal(response, 'refreshing the saved sign-in failed');
}

/** RFC 7009 revocation of the refresh token (and so its grant); best effort. */
export async function revokeRefreshToken(call: OAuthCall & { readonly refreshToken: string }): Promise<boolean> {
  const metadata = await discover(call);
  if (!metadata.revocation_endpoint) return false;
  const response = await post(call, metadata.revocation_endpoint, {
    token: call.refreshToken,
    token_type_hint: 'refresh_token',
    client_id: call.clientId ?? CLI_CLIENT_ID,
  });
  return response.ok;
}

/** The subject (`sub`) of a JWT access token, for display; undefined for anything else. */
export function subjectOf(accessToken: string): string | undefined {
  try {
    const claims = JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      sub?: unknown;
    };
    return typeof claims.sub === 'string' ? claims.sub : undefined;
  } catch {
    return undefined;
  }
}

async function discover(call: OAuthCall): Promise<z.infer<typeof metadataSchema>> {
  const url = `${call.url}/.well-known/oauth-authorization-server`;
  let response: Response;
  try {
    response = await (call.fetch ?? fetch)(url, { headers: { accept: 'application/json' } });
  } catch (error) {
    throw new ParleyError(
      'ERR_CLI_UNREACHABLE',
      `no Parley server answers at ${call.url} (start one with \`parley dev\`)`,
      {
        status: 503,
        cause: error,
      },
    );
  }
  if (!response.ok) throw signInError('ERR_CLI_SIGN_IN_UNSUPPORTED', `${call.url} publishes no OAuth metadata`);
  return metadataSchema.parse(await response.json());
}

function post(call: OAuthCall, endpoint: string, form: Record<string, string>): Promise<Response> {
  return (call.fetch ?? fetch)(endpoint, formRequest(form));
}

function formRequest(form: Record<string, string>): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(form).toString(),
  };
}

function tokenSet(body: unknown, now: number): TokenSet {
  const tokens = tokenSchema.parse(body);
  return {
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    expiresAt: now + (tokens.expires_in ?? 300) * 1000,
  };
}

async function refusal(response: Response, what: string): Promise<ParleyError> {
  const error = errorSchema.safeParse(await response.json().catch(() => undefined));
  const detail = error.success ? (error.data.error_description ?? error.data.error) : `HTTP ${response.status}`;
  return signInError('ERR_CLI_SIGN_IN_FAILED', `${what}: ${detail}`);
}

function expired(): ParleyError {
  return signInError('ERR_CLI_SIGN_IN_EXPIRED', 'the sign-in code expired before it was used; run the command again');
}

function signInError(code: string, message: string): ParleyError {
  return new ParleyError(code, message, { status: 401, publicMessage: message });
}
