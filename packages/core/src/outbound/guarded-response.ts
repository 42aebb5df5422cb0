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
  return new BufferedResponse(head, body);
}

export function createGuardedStreamResponse(
  head: ResponseHead,
  body: ReadableStream<Uint8Array<ArrayBuffer>>,
): GuardedStreamResponse {
  return new StreamedResponse(head, body);
}

// Classes rather than object literals with a per-response getter: V8 gives each such literal its own hidden
// class, allocated in the old generation, which then kept the whole exchange (request, response, socket buffers)
// alive through every young-generation GC until the next full one. bench/mcp.ts promoted ~7 MB per scavenge.
class ResponseStatus implements GuardedResponseStatus {
  readonly status: number;
  readonly statusText: string;
  readonly ok: boolean;
  readonly url: string;
  readonly redirected: boolean;
  #headers: (() => Headers) | Headers;

  constructor({ status, statusText, headers, url, redirected }: ResponseHead) {
    this.status = status;
    this.statusText = statusText;
    this.ok = status >= 200 && status < 300;
    this.url = url.href;
    this.redirected = redirected;
    this.#headers = headers;
  }

  get headers(): Headers {
    if (typeof this.#headers === 'function') this.#headers = this.#headers();
    return this.#headers;
  }
}

class BufferedResponse extends ResponseStatus implements GuardedResponse {
  readonly streamed = false as const;
  readonly body: Uint8Array<ArrayBuffer>;

  constructor(head: ResponseHead, body: Uint8Array<ArrayBuffer>) {
    super(head);
    this.body = body;
  }

  text(): string {
    return utf8.decode(this.body);
  }

  json(): unknown {
    try {
      return JSON.parse(this.text()) as unknown;
    } catch {
      // JSON.parse quotes the offending text, which may be a token: keep it out of the error.
      throw new OutboundError('ERR_OUTBOUND_BODY', `response from ${new URL(this.url).origin} is not valid JSON`);
    }
  }
}

class StreamedResponse extends ResponseStatus implements GuardedStreamResponse {
  readonly streamed = true as const;
  readonly body: ReadableStream<Uint8Array<ArrayBuffer>>;

  constructor(head: ResponseHead, body: ReadableStream<Uint8Array<ArrayBuffer>>) {
    super(head);
    this.body = body;
  }
}
