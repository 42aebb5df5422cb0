import type { IncomingMessage } from 'node:http';
import { OutboundError } from '../errors/parley-error.ts';
import { startDeadline } from './deadline.ts';
import {
  createGuardedResponse,
  createGuardedStreamResponse,
  type GuardedResponse,
  type GuardedStreamResponse,
  type ResponseHead,
} from './guarded-response.ts';
import { ACCEPT_ENCODING } from './open-body.ts';
import { type GuardedFetchOptions, type OutboundPolicy, resolvePolicy } from './outbound-policy.ts';
import { readBody } from './read-body.ts';
import { redirectRequest } from './redirect.ts';
import { type Exchange, type OutboundRequest, sendRequest } from './send-request.ts';
import { streamBody } from './stream-body.ts';
import { vetTarget } from './vet-target.ts';

// RFC 9110 §5.6.2 token: what a method or header name may be made of.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const utf8 = new TextEncoder();

/** Per-request settings; the caps can only be lowered below the client's. */
export interface GuardedFetchInit {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Names of the request headers that carry a credential (an API key header,
   * say), besides `Authorization`, `Proxy-Authorization` and `Cookie`, which
   * always do: all are dropped once a redirect leaves the origin.
   */
  readonly credentialHeaders?: readonly string[];
  readonly body?: string | Uint8Array;
  readonly signal?: AbortSignal;
  readonly maxBytes?: number;
  /** Total time up to the response head and, unless the body is streamed, up to its last byte. */
  readonly timeoutMs?: number;
  /** As in fetch: follow (default), hand back the 3xx (`manual`), or fail (`error`). */
  readonly redirect?: 'follow' | 'manual' | 'error';
  /**
   * Hand the body over as a stream instead of reading it in full: `true`
   * always, `'event-stream'` only when the response is `text/event-stream`
   * (any other is read in full under `maxBytes` and `timeoutMs`). Default false.
   */
  readonly stream?: boolean | 'event-stream';
  /** For a streamed body: how long no bytes may move before it fails. */
  readonly idleTimeoutMs?: number;
  /** For a streamed body: its size cap, on the wire and decoded. */
  readonly maxStreamBytes?: number;
}

/** Fetches a URL someone else supplied, under the outbound checks and caps. */
export interface GuardedFetch {
  (url: string | URL, init: GuardedFetchInit & { readonly stream: true }): Promise<GuardedStreamResponse>;
  (url: string | URL, init?: GuardedFetchInit & { readonly stream?: false }): Promise<GuardedResponse>;
  (url: string | URL, init?: GuardedFetchInit): Promise<GuardedResponse | GuardedStreamResponse>;
}

/**
 * Creates the one HTTP client for URLs Parley did not choose itself (agent
 * cards, JWKS, client metadata documents, webhooks, upstream servers).
 * Each hop is vetted (scheme, every resolved address) and dialed at the
 * address that was vetted; redirects, time and body size are capped. Bodies
 * are read in full unless `stream` asks for them as they arrive (SSE); a
 * stream then trades the total time cap, once the head is in, for an idle
 * timeout, and `maxBytes` for `maxStreamBytes`.
 * @see DESIGN.md, "Outbound safety"
 * @see https://owasp.org/www-community/attacks/Server_Side_Request_Forgery
 */
export function createGuardedFetch(options: GuardedFetchOptions = {}): GuardedFetch {
  const policy = resolvePolicy(options);
  function guarded(url: string | URL, init: GuardedFetchInit & { stream: true }): Promise<GuardedStreamResponse>;
  function guarded(url: string | URL, init?: GuardedFetchInit & { stream?: false }): Promise<GuardedResponse>;
  function guarded(url: string | URL, init?: GuardedFetchInit): Promise<GuardedResponse | GuardedStreamResponse>;
  function guarded(url: string | URL, init: GuardedFetchInit = {}): Promise<GuardedResponse | GuardedStreamResponse> {
    return guardedFetch(policy, url, init);
  }
  return guarded;
}

async function guardedFetch(
  policy: OutboundPolicy,
  input: string | URL,
  init: GuardedFetchInit,
): Promise<GuardedResponse | GuardedStreamResponse> {
  init.signal?.throwIfAborted();
  const maxBytes = lowered(policy.maxBytes, init.maxBytes);
  const deadline = startDeadline(lowered(policy.timeoutMs, init.timeoutMs), init.signal);
  try {
    let request = firstRequest(policy, input, init);
    const credentialHeaders = credentialHeaderNames(init.credentialHeaders ?? []);
    for (let redirects = 0; ; redirects++) {
      const target = await vetTarget(request.url, policy, deadline.signal);
      const exchange = await sendRequest(target, request, deadline.signal);
      const next = init.redirect === 'manual' ? undefined : followUp(request, exchange.response, credentialHeaders);
      if (next === undefined) {
        if (streams(init.stream, exchange)) {
          // From here the deadline is cleared (finally below) and the idle timeout bounds the stream; the caller's abort still ends it.
          const { body, decoded } = streamBody(exchange, request, {
            maxBytes: lowered(policy.maxStreamBytes, init.maxStreamBytes),
            idleTimeoutMs: lowered(policy.idleTimeoutMs, init.idleTimeoutMs),
            signal: init.signal,
          });
          return createGuardedStreamResponse(responseHead(exchange, request, redirects, decoded), body);
        }
        const { body, decoded } = await readBody(exchange, request, maxBytes);
        return createGuardedResponse(responseHead(exchange, request, redirects, decoded), body);
      }
      exchange.request.destroy();
      if (init.redirect === 'error') {
        throw new OutboundError('ERR_OUTBOUND_REDIRECT', `${request.url.origin} redirected, and redirects are refused`);
      }
      if (redirects >= policy.maxRedirects) {
        throw new OutboundError('ERR_OUTBOUND_REDIRECT', `more than ${policy.maxRedirects} redirects`);
      }
      request = next;
    }
  } catch (err) {
    throw deadline.explain(err);
  } finally {
    deadline.clear();
  }
}

// A per-request value may tighten a cap, never lift it; NaN or a negative value leaves the cap as is.
function lowered(cap: number, requested: number | undefined): number {
  return requested !== undefined && requested >= 0 ? Math.min(cap, requested) : cap;
}

function firstRequest(policy: OutboundPolicy, input: string | URL, init: GuardedFetchInit): OutboundRequest {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    // The input itself stays out of the message: it may hold a token.
    throw new OutboundError('ERR_OUTBOUND_URL', 'outbound URL is not a valid absolute URL');
  }
  const headers = requestHeaders(init.headers ?? {});
  if (!headers.has('user-agent')) headers.set('user-agent', policy.userAgent);
  if (!headers.has('accept-encoding')) headers.set('accept-encoding', ACCEPT_ENCODING);
  const body = typeof init.body === 'string' ? utf8.encode(init.body) : init.body;
  const method = (init.method ?? 'GET').toUpperCase();
  if (!TOKEN.test(method)) throw new OutboundError('ERR_OUTBOUND_METHOD', 'request method is not a valid HTTP token');
  return { url, method, headers, body };
}

function streams(mode: GuardedFetchInit['stream'], { response }: Exchange): boolean {
  if (mode !== 'event-stream') return mode === true;
  const mediaType = response.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  return mediaType === 'text/event-stream';
}

function responseHead(
  { response }: Exchange,
  request: OutboundRequest,
  redirects: number,
  decoded: boolean,
): ResponseHead {
  return {
    status: response.statusCode ?? 0,
    statusText: response.statusMessage ?? '',
    headers: () => responseHeaders(response, decoded),
    url: request.url,
    redirected: redirects > 0,
  };
}

function followUp(
  request: OutboundRequest,
  response: IncomingMessage,
  credentialHeaders: readonly string[],
): OutboundRequest | undefined {
  return redirectRequest(request, response.statusCode ?? 0, response.headers.location, credentialHeaders);
}

// Checked before the first hop: a name Headers would reject must not surface only at a redirect, as a TypeError.
function credentialHeaderNames(names: readonly string[]): readonly string[] {
  for (const name of names) {
    if (!TOKEN.test(name)) throw new OutboundError('ERR_OUTBOUND_HEADER', 'credential header name is invalid');
  }
  return names;
}

function requestHeaders(record: Readonly<Record<string, string>>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(record)) {
    try {
      headers.append(name, value);
    } catch {
      // Headers' own message quotes the value, which may be a credential.
      const shown = TOKEN.test(name) ? ` ${name}` : '';
      throw new OutboundError('ERR_OUTBOUND_HEADER', `request header${shown} is invalid`);
    }
  }
  return headers;
}

function responseHeaders(response: IncomingMessage, decoded: boolean): Headers {
  const headers = new Headers();
  const raw = response.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] ?? '';
    if (decoded && /^content-(length|encoding)$/i.test(name)) continue;
    try {
      headers.append(name, raw[i + 1] ?? '');
    } catch {
      // A header the fetch Headers class rejects is dropped rather than failing the response.
    }
  }
  return headers;
}
