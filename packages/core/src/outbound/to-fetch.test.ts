import { afterEach, describe, expect, it } from 'vitest';
import { OutboundError } from '../errors/parley-error.ts';
import { createGuardedFetch } from './guarded-fetch.ts';
import { LoopbackServers } from './test-servers.ts';
import { toFetch } from './to-fetch.ts';

const servers = new LoopbackServers();
afterEach(() => servers.closeAll());

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
});
