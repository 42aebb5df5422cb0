import { SSE_HEADERS } from '@parley/core';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** An open Server-Sent Events response. */
export interface SseStream {
  /** One event; `id` becomes the client's `Last-Event-ID` when it reconnects. */
  send(event: string, data: unknown, id?: string): void;
  comment(text: string): void;
  end(): void;
  onClose(listener: () => void): void;
}

/**
 * Takes over a Fastify reply as a Server-Sent Events stream: headers that keep
 * proxies from buffering or caching it, writes that stop once the client left.
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html
 */
export function openSseStream(request: FastifyRequest, reply: FastifyReply): SseStream {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, { ...SSE_HEADERS, 'x-request-id': request.id });
  raw.flushHeaders();
  const write = (chunk: string) => {
    if (!raw.writableEnded && !raw.destroyed) raw.write(chunk);
  };
  return {
    send: (event, data, id) =>
      write(`${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`),
    comment: (text) => write(`: ${text}\n\n`),
    end: () => {
      if (!raw.writableEnded) raw.end();
    },
    onClose: (listener) => {
      raw.once('close', listener);
    },
  };
}

/** Ends the stream when the caller's credential expires, so a stream never outlives it; returns the cancel. */
export function endAtExpiry(stream: SseStream, expiresAt: number | undefined, now: number): () => void {
  if (expiresAt === undefined) return () => {};
  const timer = setTimeout(() => stream.end(), Math.min(Math.max(expiresAt - now, 0), 2_147_483_647));
  timer.unref();
  return () => clearTimeout(timer);
}
