import { type ClientRequest, request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { OutboundError } from '../errors/parley-error.ts';
import { pinnedAgent } from './agent-pool.ts';
import { pinnedLookup } from './pinned-lookup.ts';
import type { VettedTarget } from './vet-target.ts';

/** One hop's request, as redirects rewrite it. */
export interface OutboundRequest {
  readonly url: URL;
  readonly method: string;
  readonly headers: Headers;
  readonly body: Uint8Array | undefined;
}

/** A request in flight and its response head; the body is still unread. */
export interface Exchange {
  readonly request: ClientRequest;
  readonly response: IncomingMessage;
}

/**
 * Sends `outbound` to the vetted addresses only. The connection is dialed
 * through a pinned lookup while Host and TLS SNI keep the original host name,
 * so virtual hosting and certificate checks work as if DNS had been asked.
 */
export function sendRequest(target: VettedTarget, outbound: OutboundRequest, signal: AbortSignal): Promise<Exchange> {
  const { url, hostname, port } = target;
  const headers = Object.fromEntries(outbound.headers);
  headers.host = url.host;
  if (outbound.body !== undefined) headers['content-length'] = String(outbound.body.byteLength);
  else delete headers['content-length'];
  const secure = url.protocol === 'https:';
  const send = secure ? httpsRequest : httpRequest;
  const servername = secure && isIP(hostname) === 0 ? hostname.replace(/\.$/, '') : undefined;
  return new Promise<Exchange>((resolve, reject) => {
    let request: ClientRequest;
    try {
      request = send({
        protocol: url.protocol,
        host: hostname,
        port,
        path: `${url.pathname}${url.search}`,
        method: outbound.method,
        headers,
        lookup: pinnedLookup(target.addresses),
        // Pooled per pinned target (addresses, port, server name), so a reused socket still goes to a vetted address.
        agent: pinnedAgent(secure, target.addresses, port, servername),
        signal,
        ...(servername === undefined ? {} : { servername }),
      });
    } catch (err) {
      reject(networkError(url, err));
      return;
    }
    request.once('response', (response) => {
      // Body readers attach their own listeners; this one keeps a late error on a discarded response from crashing the process.
      response.on('error', () => {});
      resolve({ request, response });
    });
    // `on`, not `once`: an error after the response (socket reset while reading) must still have a listener.
    request.on('error', (err) => {
      if (signal.aborted) reject(err);
      else reject(networkError(url, err));
    });
    request.end(outbound.body);
  });
}

/** A transport failure, described by its error code only (Node's messages name internal addresses). */
export function networkError(url: URL, err: unknown): OutboundError {
  const code = (err as { code?: unknown } | null)?.code;
  const detail = typeof code === 'string' ? ` (${code})` : '';
  return new OutboundError('ERR_OUTBOUND_NETWORK', `request to ${url.origin} failed${detail}`, err);
}
