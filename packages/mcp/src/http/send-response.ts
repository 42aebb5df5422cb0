import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';

/** Runs `run` when the client leaves before the response is complete, so the work behind it can stop. */
export function whenAbandoned(raw: ServerResponse, run: () => void): void {
  raw.once('close', () => {
    if (!raw.writableFinished) run();
  });
}

/**
 * Writes a web `Response` to a Fastify reply: an SSE stream as it comes
 * (cancelled when the client leaves), any other body in one write with its
 * length (headers and body in one packet, no chunked framing).
 */
export async function sendWebResponse(reply: FastifyReply, response: Response): Promise<void> {
  reply.hijack();
  const raw = reply.raw;
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  headers['x-request-id'] = String(reply.request.id);
  if (!response.body) {
    raw.writeHead(response.status, headers);
    raw.end();
    return;
  }
  if (!headers['content-type']?.startsWith('text/event-stream')) {
    const body = Buffer.from(await response.arrayBuffer());
    headers['content-length'] = String(body.length);
    delete headers['transfer-encoding'];
    raw.writeHead(response.status, headers);
    raw.end(body);
    return;
  }
  raw.writeHead(response.status, headers);
  raw.flushHeaders();
  const reader = response.body.getReader();
  raw.once('close', () => {
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

/** Writes a JSON-RPC answer in one write, with its length (a string body goes out in the same write as the head). */
export function sendJson(reply: FastifyReply, body: string, status = 200): void {
  reply.hijack();
  reply.raw.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    'x-request-id': String(reply.request.id),
  });
  reply.raw.end(body);
}
