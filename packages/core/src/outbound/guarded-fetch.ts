import type { IncomingMessage } from 'node:http';
import { OutboundError } from '../errors/parley-error.ts';
import { startDeadline } from './deadline.ts';
import { createGuardedResponse, type GuardedResponse } from './guarded-response.ts';
import { type GuardedFetchOptions, type OutboundPolicy, resolvePolicy } from './outbound-policy.ts';
import { ACCEPT_ENCODING, readBody } from './read-body.ts';
import { redirectRequest } from './redirect.ts';
import { type OutboundRequest, sendRequest } from './send-request.ts';
import { vetTarget } from './vet-target.ts';

// RFC 9110 §5.6.2 token: what a method or header name may be made of.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Per-request settings; the caps can only be lowered below the client's. */
export interface GuardedFetchInit {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  readonly signal?: AbortSignal;
  readonly maxBytes?: number;
  readonly timeoutMs?: number;
  /** As in fetch: follow (default), hand back the 3xx (`manual`), or fail (`error`). */
  readonly redirect?: 'follow' | 'manual' | 'error';
}

/** Fetches a URL someone else supplied, under the outbound checks and caps. */
export type GuardedFetch = (url: string | URL, init?: GuardedFetchInit) => Promise<GuardedResponse>;

/**
 * Creates the one HTTP client for URLs Parley did not choose itself (agent
 * cards, JWKS, client metadata documents, webhooks, upstream servers).
 * Each hop is vetted (scheme, every resolved address) and dialed at the
 * address that was vetted; redirects, time and body size are capped. Bodies
 * are buffered, so long-lived streams (SSE) are not a fit.
 * @see DESIGN.md, "Outbound safety"
 * @see https://owasp.org/www-community/attacks/Server_Side_Request_Forgery
 */
export function createGuardedFetch(options: GuardedFetchOptions = {}): GuardedFetch {
  const policy = resolvePolicy(options);
  return (url, init = {}) => guardedFetch(policy, url, init);
}

async function guardedFetch(
  policy: OutboundPolicy,
  input: string | URL,
  init: GuardedFetchInit,
): Promise<GuardedResponse> {
  init.signal?.throwIfAborted();
  const maxBytes = lowered(policy.maxBytes, init.maxBytes);
  const deadline = startDeadline(lowered(policy.timeoutMs, init.timeoutMs), init.signal);
  try {
    let request = firstRequest(policy, input, init);
    for (let redirects = 0; ; redirects++) {
      const target = await vetTarget(request.url, policy, deadline.signal);
      const exchange = await sendRequest(target, request, deadline.signal);
      const next = init.redirect === 'manual' ? undefined : followUp(request, exchange.response);
      if (next === undefined) {
        const { body, decoded } = await readBody(exchange, request, maxBytes);
        return createGuardedResponse({
          status: exchange.response.statusCode ?? 0,
          statusText: exchange.response.statusMessage ?? '',
          headers: responseHeaders(exchange.response, decoded),
          url: request.url,
          redirected: redirects > 0,
          body,
        });
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
  const body = typeof init.body === 'string' ? new TextEncoder().encode(init.body) : init.body;
  const method = (init.method ?? 'GET').toUpperCase();
  if (!TOKEN.test(method)) throw new OutboundError('ERR_OUTBOUND_METHOD', 'request method is not a valid HTTP token');
  return { url, method, headers, body };
}

function followUp(request: OutboundRequest, response: IncomingMessage): OutboundRequest | undefined {
  return redirectRequest(request, response.statusCode ?? 0, response.headers.location);
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
