import { OutboundError } from '../errors/parley-error.ts';
import type { GuardedFetch, GuardedFetchInit } from './guarded-fetch.ts';

/** The standard `fetch` signature. */
export type FetchFunction = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

/** `RequestInit` plus what only the guarded client understands; plain fetch ignores the extra field. */
export interface GuardedRequestInit extends RequestInit {
  readonly credentialHeaders?: GuardedFetchInit['credentialHeaders'];
}

// Statuses whose Response must have a null body.
const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([101, 103, 204, 205, 304]);

/**
 * Wraps the guarded client in the standard fetch signature, for libraries that
 * take a custom fetch (jose's `customFetch`, oauth4webapi's `customFetch`, MCP
 * SDK transports, the A2A proxy). `redirect` and `signal` are honoured, and
 * `credentialHeaders` when the init is a `GuardedRequestInit`;
 * refusals reject with the guarded client's `OutboundError`. A
 * `text/event-stream` response comes back as it arrives, under the stream
 * caps; any other is read in full under the size and time caps first.
 * @see https://fetch.spec.whatwg.org/#fetch-method
 */
export function toFetch(guarded: GuardedFetch): FetchFunction {
  return async (input, init?: GuardedRequestInit) => {
    // The Request constructor does fetch's own input handling: merged headers, body types, default content types.
    const request = new Request(input, init);
    const body = request.body === null ? undefined : new Uint8Array(await request.arrayBuffer());
    const signal = callerSignal(input, init);
    const response = await guarded(request.url, {
      method: request.method,
      headers: Object.fromEntries(request.headers),
      ...(init?.credentialHeaders === undefined ? {} : { credentialHeaders: init.credentialHeaders }),
      ...(body === undefined ? {} : { body }),
      ...(signal === undefined ? {} : { signal }),
      redirect: request.redirect,
      stream: 'event-stream',
    });
    const nullBody = NULL_BODY_STATUSES.has(response.status);
    if (response.streamed && nullBody) await response.body.cancel();
    if (response.status < 200 || response.status > 599) {
      if (response.streamed) await response.body.cancel();
      throw new OutboundError('ERR_OUTBOUND_STATUS', `response status ${response.status} is not a valid HTTP status`);
    }
    const result = new Response(nullBody ? null : response.body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
    // A constructed Response has an empty url; callers (oauth4webapi among them) read the final one.
    Object.defineProperty(result, 'url', { value: response.url });
    Object.defineProperty(result, 'redirected', { value: response.redirected });
    return result;
  };
}

/**
 * The signal the caller handed in. `request.signal` only follows it through a
 * weak reference, which is lost once the Request is collected, and a stream
 * outlives the Request by far.
 */
function callerSignal(input: RequestInfo | URL, init: RequestInit | undefined): AbortSignal | undefined {
  if (init?.signal !== undefined) return init.signal ?? undefined;
  return input instanceof Request ? input.signal : undefined;
}
