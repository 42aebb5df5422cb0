import { OutboundError } from '../errors/parley-error.ts';

/** What every response of the guarded client says besides its body. */
interface GuardedResponseStatus {
  readonly status: number;
  readonly statusText: string;
  /** True for a 2xx status. */
  readonly ok: boolean;
  readonly headers: Headers;
  /** The final URL, after redirects. */
  readonly url: string;
  readonly redirected: boolean;
}

/**
 * A response fetched by the guarded client, its body already read under the
 * size cap (decoded when it was gzip, deflate or br).
 * @see https://fetch.spec.whatwg.org/#response-class
 */
export interface GuardedResponse extends GuardedResponseStatus {
  /** False: the body was read in full, under the size and time caps. */
  readonly streamed: false;
  readonly body: Uint8Array<ArrayBuffer>;
  /** The body as UTF-8 text. */
  text(): string;
  /** The body parsed as JSON; throws `ERR_OUTBOUND_BODY` when it is not JSON. */
  json(): unknown;
}

/**
 * A response whose body is handed over as it arrives (`stream` in the
 * request): Server-Sent Events, long-lived MCP and A2A streams. The body
 * stream fails with an `OutboundError` when a stream cap is passed, and with
 * the abort reason when the request's signal aborts.
 * @see https://fetch.spec.whatwg.org/#response-class
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html
 */
export interface GuardedStreamResponse extends GuardedResponseStatus {
  /** True: the body is a stream; cancel it when done with it early, to close the connection. */
  readonly streamed: true;
  /** The body, decoded when it was gzip, deflate or br, read from the socket only as fast as it is consumed. */
  readonly body: ReadableStream<Uint8Array<ArrayBuffer>>;
}

/** A response's status line and headers, and the URL it came from. */
export interface ResponseHead {
  readonly status: number;
  readonly statusText: string;
  /** Builds the headers; called once, when they are first read (many callers never read them). */
  readonly headers: () => Headers;
  readonly url: URL;
  readonly redirected: boolean;
}

const utf8 = new TextDecoder();

export function createGuardedResponse(head: ResponseHead, body: Uint8Array<ArrayBuffer>): GuardedResponse {
  const { url } = head;
  const text = () => utf8.decode(body);
  return Object.assign(describeHead(head), {
    streamed: false as const,
    body,
    text,
    json: () => {
      try {
        return JSON.parse(text()) as unknown;
      } catch {
        // JSON.parse quotes the offending text, which may be a token: keep it out of the error.
        throw new OutboundError('ERR_OUTBOUND_BODY', `response from ${url.origin} is not valid JSON`);
      }
    },
  });
}

export function createGuardedStreamResponse(
  head: ResponseHead,
  body: ReadableStream<Uint8Array<ArrayBuffer>>,
): GuardedStreamResponse {
  return Object.assign(describeHead(head), { streamed: true as const, body });
}

function describeHead({ status, statusText, headers, url, redirected }: ResponseHead): GuardedResponseStatus {
  let built: Headers | undefined;
  return {
    status,
    statusText,
    ok: status >= 200 && status < 300,
    get headers() {
      built ??= headers();
      return built;
    },
    url: url.href,
    redirected,
  };
}
