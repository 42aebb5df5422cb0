import { ParleyError } from '@parley/core';
import { CredentialCache } from './login-credential-cache.ts';
import {
  CLI_CLIENT_ID,
  type DevicePrompt,
  refreshAccessToken,
  signInWithDeviceFlow,
  subjectOf,
  type TokenSet,
} from './login-device-flow.ts';

/** Gives a valid access token each time it is called, refreshing (and saving the rotated refresh token) as needed. */
export type AccessTokenSource = () => Promise<string>;

export interface SessionOptions {
  /** The Parley server, no trailing slash. */
  readonly url: string;
  /** The resource (RFC 8707) the tokens are for. */
  readonly resource: string;
  readonly cache?: CredentialCache;
  /** Where the device-flow instructions go (stderr). */
  readonly write?: (text: string) => void;
  readonly fetch?: typeof fetch;
}

/** Refreshing a token this long before it expires keeps a request from racing its expiry. */
const EXPIRY_MARGIN_MS = 30_000;

/** The saved sign-in for `url`, as a token source; undefined when there is none or the server no longer honours it. */
export async function resumeSignIn(options: SessionOptions): Promise<AccessTokenSource | undefined> {
  const cache = options.cache ?? new CredentialCache();
  const saved = cache.get(options.url);
  if (!saved) return undefined;
  const tokens = await refreshAccessToken({ ...call(options), refreshToken: saved.refreshToken });
  if (!tokens) {
    cache.delete(options.url);
    return undefined;
  }
  return session(options, cache, tokens);
}

/**
 * Signs in with the device flow, saves the refresh token for the next
 * command, and returns a token source and the signed-in user.
 */
export async function signInInteractively(
  options: SessionOptions,
): Promise<{ tokens: AccessTokenSource; username: string | undefined }> {
  const cache = options.cache ?? new CredentialCache();
  const write = options.write ?? ((text: string) => process.stderr.write(text));
  const tokens = await signInWithDeviceFlow({
    ...call(options),
    show: (prompt) => write(describePrompt(prompt)),
  });
  const source = session(options, cache, tokens);
  write(`Signed in${subjectOf(tokens.accessToken) ? ` as ${subjectOf(tokens.accessToken)}` : ''}.\n`);
  return { tokens: source, username: subjectOf(tokens.accessToken) };
}

/** What the user reads while the CLI waits: RFC 8628 §3.3's verification URI and user code. */
export function describePrompt(prompt: DevicePrompt): string {
  const minutes = Math.max(1, Math.round(prompt.expiresInSeconds / 60));
  return [
    `To sign in, open ${prompt.verificationUri}`,
    `and enter the code ${prompt.userCode}`,
    ...(prompt.verificationUriComplete ? [`(or open ${prompt.verificationUriComplete})`] : []),
    `Waiting for you to approve; the code expires in ${minutes} minute${minutes === 1 ? '' : 's'}...`,
    '',
  ].join('\n');
}

function session(options: SessionOptions, cache: CredentialCache, first: TokenSet): AccessTokenSource {
  let current = first;
  save(options, cache, current);
  let refreshing: Promise<TokenSet> | undefined;
  return async () => {
    if (current.expiresAt - EXPIRY_MARGIN_MS > Date.now()) return current.accessToken;
    refreshing ??= (async () => {
      const refreshToken = current.refreshToken;
      const next = refreshToken ? await refreshAccessToken({ ...call(options), refreshToken }) : undefined;
      if (!next) {
        cache.delete(options.url);
        throw new ParleyError('ERR_CLI_NOT_SIGNED_IN', `the sign-in to ${options.url} ended; run \`parley login\``, {
          status: 401,
        });
      }
      save(options, cache, next);
      return next;
    })().finally(() => {
      refreshing = undefined;
    });
    current = await refreshing;
    return current.accessToken;
  };
}

function save(options: SessionOptions, cache: CredentialCache, tokens: TokenSet): void {
  // Refresh tokens rotate: the one just used is spent, so the new one must be kept at once.
  if (!tokens.refreshToken) return;
  cache.set(options.url, {
    clientId: CLI_CLIENT_ID,
    refreshToken: tokens.refreshToken,
    username: subjectOf(tokens.accessToken),
  });
}

function call(options: SessionOptions) {
  return { url: options.url, resource: options.resource, ...(options.fetch ? { fetch: options.fetch } : {}) };
}
