import { afterEach, describe, expect, it } from 'vitest';
import { OutboundError } from '../errors/parley-error.ts';
import { createGuardedFetch } from './guarded-fetch.ts';
import { LoopbackServers } from './test-servers.ts';
import { type GuardedRequestInit, toFetch } from './to-fetch.ts';

const servers = new LoopbackServers();
afterEach(() => servers.closeAll());

function bodyOf(res: Response): ReadableStream<Uint8Array<ArrayBuffer>> {
  if (res.body === null) throw new Error('response has no body');
  return res.body;
}

describe('toFetch', () => {
  it('returns a real Response, with the final URL, for fetch-style input', async () => {
    const server = await servers.start((req, res) => {
      if (req.url === '/token') {
        res.writeHead(307, { location: '/token2' }).end();
        return;
      }
      res.writeHead(201, { 'content-type': 'application/json', 'x-request-id': 'r1' });
      res.end(JSON.stringify({ access_token: 'at' }));
    });
    const fetch = toFetch(createGuardedFetch({ allowPrivateNetworks: true }));

    const res = await fetch(`${server.origin}/token`, {
      method: 'POST',
      headers: new Headers({ authorization: 'Basic abc' }),
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    });

    expect(res).toBeInstanceOf(Response);
    expect(res.status).toBe(201);
    expect(res.headers.get('x-request-id')).toBe('r1');
    expect(res.url).toBe(`${server.origin}/token2`);
    expect(res.redirected).toBe(true);
    expect(await res.json()).toEqual({ access_token: 'at' });
    expect(server.requests[1]).toMatchObject({
      method: 'POST',
      body: 'grant_type=client_credentials',
      headers: { authorization: 'Basic abc', 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
    });
  });

  it('accepts a Request as input and gives a 204 a null body', async () => {
    const server = await servers.start((_req, res) => res.writeHead(204).end());
    const fetch = toFetch(createGuardedFetch({ allowPrivateNetworks: true }));

    const res = await fetch(new Request(`${server.origin}/hook`, { method: 'PUT', body: 'x' }));

    expect(res.status).toBe(204);
    expect(res.body).toBeNull();
    expect(server.requests[0]).toMatchObject({ method: 'PUT', body: 'x' });
  });

  it('passes credentialHeaders on to the guarded client', async () => {
    const other = await servers.start((_req, res) => res.end('elsewhere'));
    const start = await servers.start((_req, res) => res.writeHead(307, { location: other.origin }).end());
    const fetch = toFetch(createGuardedFetch({ allowPrivateNetworks: true }));
    const init: GuardedRequestInit = { headers: { 'x-api-key': 'secret' }, credentialHeaders: ['x-api-key'] };

    const res = await fetch(start.origin, init);

    expect(await res.text()).toBe('elsewhere');
    expect(start.requests[0]?.headers['x-api-key']).toBe('secret');
    expect(other.requests[0]?.headers).not.toHaveProperty('x-api-key');
  });

  it('hands back the redirect itself with redirect: manual, as jose asks for JWKS', async () => {
    const server = await servers.start((_req, res) => res.writeHead(302, { location: '/elsewhere' }).end());
    const fetch = toFetch(createGuardedFetch({ allowPrivateNetworks: true }));

    const res = await fetch(server.origin, { redirect: 'manual' });

    expect(res.status).toBe(302);
    expect(server.requests).toHaveLength(1);
  });

  it('rejects with the OutboundError when the target is refused', async () => {
    const server = await servers.start((_req, res) => res.end('reached'));
    const fetch = toFetch(createGuardedFetch());

    const err = await fetch(server.origin).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(OutboundError);
    expect(err).toMatchObject({ code: 'ERR_OUTBOUND_PRIVATE_ADDRESS' });
    expect(server.requests).toHaveLength(0);
  });

  it("rejects with the signal's TimeoutError, as libraries using AbortSignal.timeout expect", async () => {
    const server = await servers.start(() => {});
    const fetch = toFetch(createGuardedFetch({ allowPrivateNetworks: true }));

    const err = await fetch(server.origin, { signal: AbortSignal.timeout(50) }).catch((e: unknown) => e);

    expect(err).toMatchObject({ name: 'TimeoutError' });
  });

  it('delivers a text/event-stream response event by event while the server is still sending', async () => {
    const log: string[] = [];
    const server = await servers.start((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      let sent = 0;
      const timer = setInterval(() => {
        if (sent === 5) {
          clearInterval(timer);
          log.push('server ended');
          res.end();
          return;
        }
        res.write(`event: message\ndata: {"n":${sent}}\n\n`);
        sent++;
      }, 200);
      res.once('close', () => clearInterval(timer));
    });
    // The total cap is shorter than the stream: it holds only until the response head.
    const fetch = toFetch(createGuardedFetch({ allowPrivateNetworks: true, timeout: 500 }));

    const res = await fetch(server.origin, { headers: { accept: 'text/event-stream' } });
    let text = '';
    for await (const chunk of bodyOf(res).pipeThrough(new TextDecoderStream())) {
      text += chunk;
      for (let end = text.indexOf('\n\n'); end >= 0; end = text.indexOf('\n\n')) {
        log.push(`received ${/data: (.*)/.exec(text.slice(0, end))?.[1]}`);
        text = text.slice(end + 2);
      }
    }

    expect(log.filter((entry) => entry.startsWith('received'))).toEqual(
      [0, 1, 2, 3, 4].map((n) => `received {"n":${n}}`),
    );
    expect(log.indexOf('received {"n":0}')).toBeLessThan(log.indexOf('server ended'));
  });

  it('reads any other response in full, under the total time and size caps', async () => {
    const server = await servers.start((req, res) => {
      const type = req.url === '/sse' ? 'text/event-stream' : 'application/json';
      res.writeHead(200, { 'content-type': type });
      if (req.url === '/drip') {
        const timer = setInterval(() => res.write(' '), 20);
        res.once('close', () => clearInterval(timer));
      } else {
        res.end(`"${'x'.repeat(4_000)}"`);
      }
    });
    const fetch = toFetch(createGuardedFetch({ allowPrivateNetworks: true, maxBytes: 1_000, timeout: 250 }));

    expect(await fetch(`${server.origin}/big`).catch((e: unknown) => e)).toMatchObject({
      code: 'ERR_OUTBOUND_TOO_LARGE',
    });
    expect(await fetch(`${server.origin}/drip`).catch((e: unknown) => e)).toMatchObject({
      code: 'ERR_OUTBOUND_TIMEOUT',
    });
    expect(await (await fetch(`${server.origin}/sse`)).text()).toHaveLength(4_002);
  });

  it("closes the upstream connection when the caller's signal aborts mid-stream", async () => {
    const server = await servers.start((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: first\n\n');
    });
    const fetch = toFetch(createGuardedFetch({ allowPrivateNetworks: true }));
    const controller = new AbortController();

    const res = await fetch(new Request(server.origin, { signal: controller.signal }));
    const reader = bodyOf(res).getReader();
    await reader.read();
    controller.abort(new Error('client went away'));

    await expect(reader.read()).rejects.toThrow('client went away');
    await server.connectionClosed;
  });

  it('re-checks a redirect for an event-stream request', async () => {
    const target = await servers.start((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/event-stream' }).end(),
    );
    const start = await servers.start((_req, res) => res.writeHead(302, { location: target.origin }).end());
    const fetch = toFetch(createGuardedFetch({ allowedHosts: [`127.0.0.1:${start.port}`] }));

    const err = await fetch(start.origin, { headers: { accept: 'text/event-stream' } }).catch((e: unknown) => e);

    expect(err).toMatchObject({ code: 'ERR_OUTBOUND_PRIVATE_ADDRESS' });
    expect(target.requests).toHaveLength(0);
  });
});
