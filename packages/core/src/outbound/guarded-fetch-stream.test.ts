import { constants, createGzip } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { OutboundError } from '../errors/parley-error.ts';
import { createGuardedFetch } from './guarded-fetch.ts';
import { LoopbackServers } from './test-servers.ts';

const servers = new LoopbackServers();
afterEach(() => servers.closeAll());

const SSE_HEAD = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };

/** Settles with what `promise` rejected with; fails the test if it fulfilled. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected a rejection'),
    (err: unknown) => err,
  );
}

/** A promise with its resolver, for servers that wait on the client. */
function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** Reads text off `reader` until it holds a whole SSE event (up to the blank line); returns its data. */
async function nextEvent(reader: ReadableStreamDefaultReader<string>, pending: { text: string }): Promise<string> {
  for (;;) {
    const end = pending.text.indexOf('\n\n');
    if (end >= 0) {
      const event = pending.text.slice(0, end);
      pending.text = pending.text.slice(end + 2);
      return event.replace(/^data: /, '');
    }
    const { value, done } = await reader.read();
    if (done) throw new Error('stream ended before a whole event');
    pending.text += value;
  }
}

/** Resolves once `read()` has stayed the same across one `ms` interval. */
async function stable(read: () => number, ms: number): Promise<number> {
  let last = -1;
  while (last !== read()) {
    last = read();
    await new Promise((resolve) => setTimeout(resolve, ms));
  }
  return last;
}

describe('createGuardedFetch with stream: true', () => {
  it('hands over each event as it is sent, long after the total time cap', async () => {
    // Lockstep: the server sends event n+1 only once the client has seen event n, so a
    // client that buffered the body would never see the first event at all.
    const seen = [signal(), signal(), signal()];
    const server = await servers.start(async (_req, res) => {
      res.writeHead(200, SSE_HEAD);
      for (const [i, event] of seen.entries()) {
        res.write(`data: event ${i}\n\n`);
        await event.promise;
      }
      res.end();
    });
    const fetch = createGuardedFetch({ allowPrivateNetworks: true, timeout: 200 });

    const res = await fetch(server.origin, { stream: true });
    expect(res.streamed).toBe(true);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    const pending = { text: '' };
    const received: string[] = [];
    for (const event of seen) {
      received.push(await nextEvent(reader, pending));
      event.resolve();
      // Outlive the 200 ms total cap: only the head is held to it.
      if (received.length === 1) await new Promise((resolve) => setTimeout(resolve, 300));
    }

    expect(received).toEqual(['event 0', 'event 1', 'event 2']);
    expect(await reader.read()).toEqual({ done: true, value: undefined });
  });

  it('decodes a gzip stream flushed event by event', async () => {
    const seen = [signal(), signal()];
    const server = await servers.start(async (_req, res) => {
      res.writeHead(200, { ...SSE_HEAD, 'content-encoding': 'gzip' });
      const gzip = createGzip();
      gzip.pipe(res);
      for (const [i, event] of seen.entries()) {
        gzip.write(`data: zipped ${i}\n\n`);
        gzip.flush(constants.Z_SYNC_FLUSH);
        await event.promise;
      }
      gzip.end();
    });
    const fetch = createGuardedFetch({ allowPrivateNetworks: true });

    const res = await fetch(server.origin, { stream: true });
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    const pending = { text: '' };
    const received: string[] = [];
    for (const event of seen) {
      received.push(await nextEvent(reader, pending));
      event.resolve();
    }

    expect(received).toEqual(['zipped 0', 'zipped 1']);
    expect(res.headers.has('content-encoding')).toBe(false);
  });

  it('fails the stream with ERR_OUTBOUND_TIMEOUT when the server goes silent for idleTimeoutMs', async () => {
    const server = await servers.start((_req, res) => {
      res.writeHead(200, SSE_HEAD);
      res.write('data: hello\n\n');
    });
    const fetch = createGuardedFetch({ allowPrivateNetworks: true, streamIdleTimeout: 60_000 });

    const res = await fetch(server.origin, { stream: true, idleTimeoutMs: 200 });
    const reader = res.body.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('data: hello\n\n');

    const err = await rejection(reader.read());
    expect(err).toBeInstanceOf(OutboundError);
    expect(err).toMatchObject({ code: 'ERR_OUTBOUND_TIMEOUT' });
    await server.connectionClosed;
  });

  it("closes the connection mid-stream when the caller's signal aborts, failing reads with its reason", async () => {
    const server = await servers.start((_req, res) => {
      res.writeHead(200, SSE_HEAD);
      res.write('data: first\n\n');
    });
    const fetch = createGuardedFetch({ allowPrivateNetworks: true });
    const controller = new AbortController();

    const res = await fetch(server.origin, { stream: true, signal: controller.signal });
    const reader = res.body.getReader();
    await reader.read();
    controller.abort(new Error('caller gave up'));

    await expect(reader.read()).rejects.toThrow('caller gave up');
    await server.connectionClosed;
  });

  it('closes the connection when the consumer cancels the body', async () => {
    const server = await servers.start((_req, res) => {
      res.writeHead(200, SSE_HEAD);
      res.write('data: first\n\n');
    });
    const fetch = createGuardedFetch({ allowPrivateNetworks: true });

    const res = await fetch(server.origin, { stream: true });
    const reader = res.body.getReader();
    await reader.read();
    await reader.cancel();

    await server.connectionClosed;
  });

  it('pauses the socket while the consumer does not read, instead of buffering the stream', async () => {
    const total = 64 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let written = 0;
    let refusedWrites = 0;
    let drains = 0;
    const server = await servers.start((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const pump = () => {
        while (written < total) {
          written += chunk.length;
          if (!res.write(chunk)) {
            refusedWrites++;
            res.once('drain', () => {
              drains++;
              pump();
            });
            return;
          }
        }
        res.end();
      };
      pump();
    });
    const fetch = createGuardedFetch({ allowPrivateNetworks: true });

    const res = await fetch(server.origin, { stream: true });
    const reader = res.body.getReader();
    await reader.read();
    const writtenWhileIdle = await stable(() => written, 100);
    const drainsWhileIdle = drains;

    // The server is held up once socket buffers' worth (a few MiB) is out, not the 64 MiB on offer.
    expect(refusedWrites).toBeGreaterThan(0);
    expect(writtenWhileIdle).toBeLessThan(16 * 1024 * 1024);

    // Reading again drains the socket and lets the server go on.
    while (drains === drainsWhileIdle) await reader.read();
    expect(written).toBeGreaterThan(writtenWhileIdle);
    await reader.cancel();
  });

  it('applies maxStreamBytes to the stream, and leaves maxBytes to buffered bodies', async () => {
    const server = await servers.start((_req, res) => {
      res.writeHead(200, SSE_HEAD);
      const timer = setInterval(() => res.write(`data: ${'x'.repeat(4_000)}\n\n`), 2);
      res.once('close', () => clearInterval(timer));
    });
    const fetch = createGuardedFetch({ allowPrivateNetworks: true, maxBytes: 1_000, maxStreamBytes: 1_000_000 });

    const res = await fetch(server.origin, { stream: true, maxStreamBytes: 64_000 });
    const reader = res.body.getReader();
    let received = 0;
    const err = await rejection(
      (async () => {
        for (;;) received += (await reader.read()).value?.byteLength ?? 0;
      })(),
    );

    expect(err).toMatchObject({ code: 'ERR_OUTBOUND_TOO_LARGE' });
    expect(received).toBeGreaterThan(1_000);
    expect(received).toBeLessThanOrEqual(64_000);
    await server.connectionClosed;
  });

  it('refuses a declared Content-Length over maxStreamBytes before handing over the stream', async () => {
    const server = await servers.start((_req, res) => {
      res.writeHead(200, { ...SSE_HEAD, 'content-length': '10000000' });
      res.write('data: x\n\n');
    });
    const fetch = createGuardedFetch({ allowPrivateNetworks: true, maxStreamBytes: 4_096 });

    expect(await rejection(fetch(server.origin, { stream: true }))).toMatchObject({ code: 'ERR_OUTBOUND_TOO_LARGE' });
    await server.connectionClosed;
  });

  it('keeps the total time cap until the response head arrives', async () => {
    const server = await servers.start(() => {});
    const fetch = createGuardedFetch({ allowPrivateNetworks: true, timeout: 200 });

    expect(await rejection(fetch(server.origin, { stream: true }))).toMatchObject({ code: 'ERR_OUTBOUND_TIMEOUT' });
    await server.connectionClosed;
  });

  it('refuses a private address before connecting', async () => {
    const server = await servers.start((_req, res) => res.writeHead(200, SSE_HEAD).end());
    const fetch = createGuardedFetch();

    const err = await rejection(fetch(server.origin, { stream: true }));

    expect(err).toMatchObject({ code: 'ERR_OUTBOUND_PRIVATE_ADDRESS' });
    expect(server.requests).toHaveLength(0);
  });

  it('re-checks each redirect: refuses one to a private target, streams from an allowed one', async () => {
    const target = await servers.start((_req, res) => res.writeHead(200, SSE_HEAD).end('data: moved\n\n'));
    const start = await servers.start((_req, res) => res.writeHead(307, { location: `${target.origin}/sse` }).end());
    const strict = createGuardedFetch({ allowedHosts: [`127.0.0.1:${start.port}`] });
    const both = createGuardedFetch({ allowedHosts: [`127.0.0.1:${start.port}`, `127.0.0.1:${target.port}`] });

    expect(await rejection(strict(start.origin, { stream: true }))).toMatchObject({
      code: 'ERR_OUTBOUND_PRIVATE_ADDRESS',
    });
    expect(target.requests).toHaveLength(0);

    const res = await both(start.origin, { stream: true });
    expect(res.url).toBe(`${target.origin}/sse`);
    expect(res.redirected).toBe(true);
    expect(await new Response(res.body).text()).toBe('data: moved\n\n');
  });
});

describe("createGuardedFetch with stream: 'event-stream'", () => {
  it('streams a text/event-stream response and reads any other in full under maxBytes', async () => {
    const server = await servers.start((req, res) => {
      if (req.url === '/sse') res.writeHead(200, { 'content-type': 'Text/Event-Stream; charset=utf-8' });
      else res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ padding: 'x'.repeat(2_000) }));
    });
    const fetch = createGuardedFetch({ allowPrivateNetworks: true, maxBytes: 1_000 });

    const streamed = await fetch(`${server.origin}/sse`, { stream: 'event-stream' });
    expect(streamed.streamed).toBe(true);
    const buffered = await rejection(fetch(`${server.origin}/json`, { stream: 'event-stream' }));
    expect(buffered).toMatchObject({ code: 'ERR_OUTBOUND_TOO_LARGE' });
  });
});
