import type { FastifyReply } from 'fastify';

/** Writes a web `Response` (JSON or an SSE stream) to a Fastify reply, streaming. */
export async function sendWebResponse(reply: FastifyReply, response: Response, onClose: () => void): Promise<void> {
  reply.hijack();
  const raw = reply.raw;
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  headers['x-request-id'] = String(reply.request.id);
  raw.writeHead(response.status, headers);
  if (!response.body) {
    raw.end();
    return;
  }
  raw.flushHeaders();
  const reader = response.body.getReader();
  raw.once('close', () => {
    onClose();
    reader.cancel().catch(() => {});
  });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!raw.write(value))
        await new Promise<void>((resolve) => {
          raw.once('drain', resolve);
          raw.once('close', resolve);
        });
    }
  } catch {
    // The client went away or the stream was cancelled; nothing to answer.
  } finally {
    raw.end();
  }
}
