import { SSE_HEADERS } from '@parley/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

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
  let closed = false;
  raw.once('close', () => {
    closed = true;
  });
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
    // A route that awaited something first (a bus subscription) may add its
    // listener after the client already left; it still gets to clean up.
    onClose: (listener) => {
      if (closed) listener();
      else raw.once('close', listener);
    },
  };
}

const HEARTBEAT_MS = 15_000;

export interface LiveStreamOptions {
  /** The caller's credential expiry (epoch ms): the stream never outlives it. */
  readonly expiresAt: number | undefined;
  readonly now: number;
  /** A comment line this often keeps proxies from closing an idle stream; ms. */
  readonly heartbeatMs?: number | undefined;
}

/**
 * Opens the long-lived SSE streams of one set of routes: each sends a
 * keep-alive comment every heartbeat and ends when its caller's credential
 * expires, and all of them end when the server shuts down (an open stream is
 * never idle, so it would hold shutdown until the client left).
 */
export function liveStreams(
  app: FastifyInstance,
): (request: FastifyRequest, reply: FastifyReply, options: LiveStreamOptions) => SseStream {
  const open = new Set<SseStream>();
  app.addHook('preClose', async () => {
    for (const stream of open) stream.end();
  });
  return (request, reply, options) => {
    const stream = openSseStream(request, reply);
    open.add(stream);
    const heartbeat = setInterval(() => stream.comment('keep-alive'), options.heartbeatMs ?? HEARTBEAT_MS);
    heartbeat.unref();
    const expiry =
      options.expiresAt === undefined
        ? undefined
        : setTimeout(() => stream.end(), Math.min(Math.max(options.expiresAt - options.now, 0), 2_147_483_647));
    expiry?.unref();
    stream.onClose(() => {
      open.delete(stream);
      clearInterval(heartbeat);
      clearTimeout(expiry);
    });
    return stream;
  };
}
