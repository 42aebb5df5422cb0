import { OutboundError } from '../errors/parley-error.ts';
import type { OutboundRequest } from './send-request.ts';

const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
const BODY_HEADERS = ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location'];
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie'];

/**
 * The request to send next when `status` is a redirect with a Location, else
 * `undefined`. 303, and 301/302 after POST, become a GET without body; the
 * credentials (the standard headers and those named in `credentialHeaders`)
 * are dropped once the redirect leaves the origin, a downgrade to http included.
 * @see https://fetch.spec.whatwg.org/#http-redirect-fetch
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-15.4
 */
export function redirectRequest(
  current: OutboundRequest,
  status: number,
  location: string | undefined,
  credentialHeaders: readonly string[] = [],
): OutboundRequest | undefined {
  if (!REDIRECT_STATUSES.has(status) || location === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(location, current.url);
  } catch {
    throw new OutboundError('ERR_OUTBOUND_REDIRECT', `redirect from ${current.url.origin} has an invalid Location`);
  }
  const headers = new Headers(current.headers);
  let { method, body } = current;
  if (
    (status === 303 && method !== 'GET' && method !== 'HEAD') ||
    ((status === 301 || status === 302) && method === 'POST')
  ) {
    method = 'GET';
    body = undefined;
    for (const name of BODY_HEADERS) headers.delete(name);
  }
  if (url.origin !== current.url.origin) {
    for (const name of [...CREDENTIAL_HEADERS, ...credentialHeaders]) headers.delete(name);
  }
  return { url, method, headers, body };
}
