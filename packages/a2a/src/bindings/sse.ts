import { SSE_HEADERS } from '@parley/core';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Streams `events` as Server-Sent Events. The first event is awaited before
 * the response is committed, so an error before the stream starts is
 * answered as an ordinary error (the caller's `onEarlyError`). The stream is
 * closed when the client goes away.
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html
 */
export async function streamSse(
  request: FastifyRequest,
  reply: FastifyReply,
  events: AsyncIterable<unknown>,
  render: (event: unknown) => unknown,
  renderError: (error: unknown) => unknown,
): Promise<void> {
  const iterator = events[Symbol.asyncIterator]();
  const first = await iterator.next();
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, { ...SSE_HEADERS, 'x-request-id': request.id });
  let closed = false;
  const onClose = () => {
    closed = true;
    void iterator.return?.();
  };
  raw.once('close', onClose);
  const write = async (chunk: string) => {
    if (closed) return;
    if (!raw.write(chunk)) await new Promise<void>((resolve) => raw.once('drain', resolve).once('close', resolve));
  };
  try {
    if (!first.done) await write(`data: ${JSON.stringify(render(first.value))}\n\n`);
    while (!closed && !first.done) {
      const next = await iterator.next();
      if (next.done) break;
      await write(`data: ${JSON.stringify(render(next.value))}\n\n`);
    }
  } catch (error) {
    request.log.warn({ err: error }, 'A2A stream failed');
    await write(`event: error\ndata: ${JSON.stringify(renderError(error))}\n\n`);
  } finally {
    raw.off('close', onClose);
    if (!raw.writableEnded) raw.end();
  }
}
