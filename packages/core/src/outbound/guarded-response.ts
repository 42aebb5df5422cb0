import { OutboundError } from '../errors/parley-error.ts';

/**
 * A response fetched by the guarded client, its body already read under the
 * size cap (decoded when it was gzip, deflate or br).
 * @see https://fetch.spec.whatwg.org/#response-class
 */
export interface GuardedResponse {
  readonly status: number;
  readonly statusText: string;
  /** True for a 2xx status. */
  readonly ok: boolean;
  readonly headers: Headers;
  /** The final URL, after redirects. */
  readonly url: string;
  readonly redirected: boolean;
  readonly body: Uint8Array<ArrayBuffer>;
  /** The body as UTF-8 text. */
  text(): string;
  /** The body parsed as JSON; throws `ERR_OUTBOUND_BODY` when it is not JSON. */
  json(): unknown;
}

export interface GuardedResponseInit {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  readonly url: URL;
  readonly redirected: boolean;
  readonly body: Uint8Array<ArrayBuffer>;
}

export function createGuardedResponse(init: GuardedResponseInit): GuardedResponse {
  const { status, statusText, headers, url, redirected, body } = init;
  const text = () => new TextDecoder().decode(body);
  return {
    status,
    statusText,
    ok: status >= 200 && status < 300,
    headers,
    url: url.href,
    redirected,
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
  };
}
