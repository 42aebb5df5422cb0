/** The fields of an HTTP request a log line keeps (Fastify's request, or a bare Node one). */
interface LoggedRequest {
  readonly method?: string;
  readonly url?: string;
  readonly host?: string;
  readonly ip?: string;
  readonly socket?: { readonly remotePort?: number; readonly remoteAddress?: string } | null;
}

/**
 * How a request appears in the log: method, host, remote address, and the URL
 * with every query value replaced by `[redacted]`. Query strings carry
 * credentials on OAuth and OpenID routes (`id_token_hint`, `code`,
 * `user_code`, `login_hint`, a `request` object, a misplaced `access_token`),
 * and a log is no place for them; the parameter names stay, for debugging.
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-5.3
 */
export function serializeRequest(request: LoggedRequest): Record<string, unknown> {
  return {
    method: request.method,
    url: request.url === undefined ? undefined : redactQuery(request.url),
    host: request.host,
    remoteAddress: request.ip ?? request.socket?.remoteAddress,
    remotePort: request.socket?.remotePort,
  };
}

/** `path?a=1&b` becomes `path?a=[redacted]&b`; the fragment never reaches a server. */
export function redactQuery(url: string): string {
  const start = url.indexOf('?');
  if (start === -1) return url;
  const names = url
    .slice(start + 1)
    .split('&')
    .filter((pair) => pair.length > 0)
    .map((pair) => {
      const equals = pair.indexOf('=');
      return equals === -1 ? pair : `${pair.slice(0, equals)}=[redacted]`;
    });
  return `${url.slice(0, start)}?${names.join('&')}`;
}
