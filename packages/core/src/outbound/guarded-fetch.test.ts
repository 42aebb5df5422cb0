import { randomBytes } from 'node:crypto';
import type { LookupAddress } from 'node:dns';
import { getEventListeners } from 'node:events';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { OutboundError } from '../errors/parley-error.ts';
import { createGuardedFetch } from './guarded-fetch.ts';
import type { OutboundLookup } from './outbound-policy.ts';
import { LoopbackServers } from './test-servers.ts';

const servers = new LoopbackServers();
afterEach(() => servers.closeAll());

/** A lookup answering from a script, one answer per call (the last repeats), recording the names asked. */
function scriptedLookup(...answers: readonly (readonly string[] | Error)[]): OutboundLookup & { calls: string[] } {
  const calls: string[] = [];
  const lookup: OutboundLookup = (hostname, _options, callback) => {
    const answer = answers[Math.min(calls.length, answers.length - 1)] ?? new Error('no answer');
    calls.push(hostname);
    setImmediate(() => {
      if (answer instanceof Error) callback(Object.assign(answer, { code: 'ENOTFOUND' }), []);
      else
        callback(
          null,
          answer.map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 })),
        );
    });
  };
  return Object.assign(lookup, { calls });
}

const neverCalled: OutboundLookup = () => {
  throw new Error('lookup must not be called for an IP literal');
};

async function refusal(promise: Promise<unknown>): Promise<OutboundError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OutboundError);
  return err as OutboundError;
}

describe('createGuardedFetch: allowed targets', () => {
  it('fetches from a loopback server when allowPrivateNetworks is true', async () => {
    const server = await servers.start((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.setHeader('x-served-by', 'test');
      res.end(JSON.stringify({ hello: 'world' }));
    });
    const fetch = createGuardedFetch({ allowPrivateNetworks: true, lookup: neverCalled });

    const res = await fetch(`${server.origin}/card?x=1`, { headers: { Accept: 'application/json' } });

    expect(res.status).toBe(200);
    expect(res.ok).toBe(true);
    expect(res.json()).toEqual({ hello: 'world' });
    expect(res.headers.get('x-served-by')).toBe('test');
    expect(res.url).toBe(`${server.origin}/card?x=1`);
    expect(res.redirected).toBe(false);
    expect(server.requests[0]).toMatchObject({
      method: 'GET',
      path: '/card?x=1',
      headers: { host: `127.0.0.1:${server.port}`, 'user-agent': 'Parley', accept: 'application/json' },
    });
  });

  it('fetches when host:port is in allowedHosts, and refuses the same host on another port', async () => {
    const listed = await servers.start((_req, res) => res.end('listed'));
    const unlisted = await servers.start((_req, res) => res.end('unlisted'));
    const fetch = createGuardedFetch({ allowedHosts: [`127.0.0.1:${listed.port}`], userAgent: 'parley-test' });

    const res = await fetch(listed.origin);
    expect(res.text()).toBe('listed');
    expect(listed.requests[0]?.headers['user-agent']).toBe('parley-test');

    const err = await refusal(fetch(unlisted.origin));
    expect(err.code).toBe('ERR_OUTBOUND_PRIVATE_ADDRESS');
    expect(unlisted.requests).toHaveLength(0);
  });

  it('sends a body with POST and keeps the original host name in Host', async () => {
    const server = await servers.start((_req, res) => res.end('ok'));
    const lookup = scriptedLookup(['127.0.0.1']);
    const fetch = createGuardedFetch({ allowedHosts: ['agents.internal.test'], lookup });

    await fetch(`http://agents.internal.test:${server.port}/hook`, {
      method: 'post',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });

    expect(lookup.calls).toEqual(['agents.internal.test']);
    expect(server.requests[0]).toMatchObject({
      method: 'POST',
      body: '{"a":1}',
      headers: { host: `agents.internal.test:${server.port}`, 'content-length': '7' },
    });
  });
});

describe("createGuardedFetch: the caller's signal", () => {
  it('keeps no listener on a long-lived signal once fetches settle, buffered, streamed or failed', async () => {
    const server = await servers.start((req, res) => {
      if (req.url === '/fail') return res.destroy();
      res.writeHead(200, { 'content-type': req.url === '/sse' ? 'text/event-stream' : 'text/plain' });
      res.end('data: x\n\n');
    });
    const fetch = createGuardedFetch({ allowPrivateNetworks: true });
    const shutdown = new AbortController();
    for (let i = 0; i < 20; i++) {
      await (await fetch(`${server.origin}/plain`, { signal: shutdown.signal })).text();
      const streamed = await fetch(`${server.origin}/sse`, { signal: shutdown.signal, stream: true });
      await new Response(streamed.body).text();
      await fetch(`${server.origin}/fail`, { signal: shutdown.signal }).catch(() => undefined);
    }
    expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(0);
  });
});

describe('createGuardedFetch: non-public addresses', () => {
  it.each([
    ['loopback', (port: number) => `http://127.0.0.1:${port}/`],
    ['loopback, in hex', (port: number) => `http://0x7f.1:${port}/`],
    ['loopback IPv6', (port: number) => `http://[::1]:${port}/`],
    ['IPv4-mapped loopback', (port: number) => `http://[::ffff:127.0.0.1]:${port}/`],
    ['NAT64 loopback', (port: number) => `http://[64:ff9b::127.0.0.1]:${port}/`],
    ['unspecified', (port: number) => `http://0.0.0.0:${port}/`],
    ['private', () => 'http://10.0.0.1/'],
    ['private 192.168', () => 'https://192.168.1.1/'],
    ['CGNAT', () => 'http://100.64.0.1/'],
    ['link-local', () => 'http://169.254.10.10/'],
    ['metadata', () => 'http://169.254.169.254/latest/meta-data/'],
    ['IPv4-mapped metadata', () => 'http://[::ffff:169.254.169.254]/'],
    ['IPv6 link-local', () => 'http://[fe80::1]/'],
    ['IPv6 unique-local', () => 'http://[fd00:ec2::254]/'],
  ])('refuses a %s literal by default', async (_name, url) => {
    const server = await servers.start((_req, res) => res.end('reached'));
    const fetch = createGuardedFetch({ lookup: neverCalled });

    const err = await refusal(fetch(url(server.port)));

    expect(err.code).toBe('ERR_OUTBOUND_PRIVATE_ADDRESS');
    expect(server.requests).toHaveLength(0);
  });

  it('refuses a host name whose lookup resolves to a private address, without naming the address', async () => {
    const lookup = scriptedLookup(['10.0.0.7']);
    const fetch = createGuardedFetch({ lookup });

    const err = await refusal(fetch('https://jwks.example.test/keys'));

    expect(err.code).toBe('ERR_OUTBOUND_PRIVATE_ADDRESS');
    expect(err.message).toContain('private');
    expect(err.message).not.toContain('10.0.0.7');
    expect(lookup.calls).toEqual(['jwks.example.test']);
  });

  it('refuses when any one of the resolved addresses is not public', async () => {
    const fetch = createGuardedFetch({ lookup: scriptedLookup(['8.8.8.8', '::ffff:127.0.0.1']) });
    expect((await refusal(fetch('https://mixed.example.test/'))).code).toBe('ERR_OUTBOUND_PRIVATE_ADDRESS');
  });

  it('reports a failed resolution as ERR_OUTBOUND_DNS', async () => {
    const fetch = createGuardedFetch({ lookup: scriptedLookup(new Error('queryA ENOTFOUND')) });
    expect((await refusal(fetch('https://missing.example.test/'))).code).toBe('ERR_OUTBOUND_DNS');
  });
});

describe('createGuardedFetch: DNS rebinding', () => {
  it('dials the address that was resolved and checked, never resolving again', async () => {
    const server = await servers.start((_req, res) => res.end('pinned'));
    // The first answer is the one checked; every later answer fails, so any second
    // resolution (ours or Node's own dns.lookup, which can't resolve .test) would fail the fetch.
    const lookup = scriptedLookup(['127.0.0.1'], new Error('rebound'));
    const fetch = createGuardedFetch({ allowedHosts: ['rebind.test'], lookup });

    const res = await fetch(`http://rebind.test:${server.port}/`);

    expect(res.text()).toBe('pinned');
    expect(lookup.calls).toHaveLength(1);
    expect(server.requests[0]?.localAddress).toBe('127.0.0.1');
    expect(server.requests[0]?.headers.host).toBe(`rebind.test:${server.port}`);
  });

  it('refuses on the checked answer even when a later answer would be public', async () => {
    const server = await servers.start((_req, res) => res.end('reached'));
    const lookup = scriptedLookup(['127.0.0.1'], ['8.8.8.8']);
    const fetch = createGuardedFetch({ lookup });

    const err = await refusal(fetch(`http://rebind.test:${server.port}/`));

    expect(err.code).toBe('ERR_OUTBOUND_PRIVATE_ADDRESS');
    expect(lookup.calls).toHaveLength(1);
    expect(server.requests).toHaveLength(0);
  });
});

describe('createGuardedFetch: redirects', () => {
  it('follows a redirect and reports the final URL', async () => {
    const target = await servers.start((_req, res) => res.end('final'));
    const start = await servers.start((_req, res) => res.writeHead(302, { location: `${target.origin}/end` }).end());
    const fetch = createGuardedFetch({ allowPrivateNetworks: true });

    const res = await fetch(`${start.origin}/begin`);

    expect(res.text()).toBe('final');
    expect(res.url).toBe(`${target.origin}/end`);
    expect(res.redirected).toBe(true);
  });

  it('refuses a redirect from an allowed server to a private target', async () => {
    const target = await servers.start((_req, res) => res.end('internal'));
    const start = await servers.start((_req, res) => res.writeHead(302, { location: `${target.origin}/admin` }).end());
    const fetch = createGuardedFetch({ allowedHosts: [`127.0.0.1:${start.port}`] });

    const err = await refusal(fetch(start.origin));

    expect(err.code).toBe('ERR_OUTBOUND_PRIVATE_ADDRESS');
    expect(start.requests).toHaveLength(1);
    expect(target.requests).toHaveLength(0);
  });

  it.each([
    ['the metadata address', 'http://169.254.169.254/latest/meta-data/', 'ERR_OUTBOUND_PRIVATE_ADDRESS'],
    ['a name resolving privately', 'http://internal.example.test/', 'ERR_OUTBOUND_PRIVATE_ADDRESS'],
    ['a file: URL', 'file:///etc/passwd', 'ERR_OUTBOUND_SCHEME'],
  ])('refuses a redirect to %s', async (_name, location, code) => {
    const start = await servers.start((_req, res) => res.writeHead(307, { location }).end());
    const fetch = createGuardedFetch({
      allowedHosts: [`127.0.0.1:${start.port}`],
      lookup: scriptedLookup(['10.1.2.3']),
    });

    expect((await refusal(fetch(start.origin))).code).toBe(code);
  });

  it('caps a redirect loop at maxRedirects', async () => {
    const loop = await servers.start((req, res) => res.writeHead(301, { location: req.url ?? '/' }).end());
    const fetch = createGuardedFetch({ allowPrivateNetworks: true, maxRedirects: 3 });

    const err = await refusal(fetch(`${loop.origin}/again`));

    expect(err.code).toBe('ERR_OUTBOUND_REDIRECT');
    expect(loop.requests).toHaveLength(4);
  });

  it('turns a POST into a GET without body on 303 and drops credentials across origins', async () => {
    const target = await servers.start((_req, res) => res.end('done'));
    const start = await servers.start((_req, res) => res.writeHead(303, { location: `${target.origin}/result` }).end());
    const fetch = createGuardedFetch({ allowPrivateNetworks: true });

    await fetch(start.origin, {
      method: 'POST',
      headers: { authorization: 'Bearer secret', cookie: 'sid=secret', 'content-type': 'text/plain', 'x-trace': 't1' },
      body: 'payload',
    });

    expect(start.requests[0]).toMatchObject({ method: 'POST', body: 'payload' });
    expect(start.requests[0]?.headers.authorization).toBe('Bearer secret');
    const followed = target.requests[0];
    expect(followed).toMatchObject({ method: 'GET', body: '', headers: { 'x-trace': 't1' } });
    expect(followed?.headers).not.toHaveProperty('authorization');
    expect(followed?.headers).not.toHaveProperty('cookie');
    expect(followed?.headers).not.toHaveProperty('content-type');
  });

  it('keeps method, body and credentials on a same-origin 307', async () => {
    const server = await servers.start((req, res) => {
      if (req.url === '/old') res.writeHead(307, { location: '/new' }).end();
      else res.end('moved');
    });
    const fetch = createGuardedFetch({ allowPrivateNetworks: true });

    await fetch(`${server.origin}/old`, { method: 'PUT', headers: { authorization: 'Bearer x' }, body: 'v' });

    expect(server.requests[1]).toMatchObject({
      method: 'PUT',
      path: '/new',
      body: 'v',
      headers: { authorization: 'Bearer x' },
    });
  });

  it.each([307, 302])('does not send a named credential header to another origin after a %i', async (status) => {
    const other = await servers.start((_req, res) => res.end('elsewhere'));
    const start = await servers.start((_req, res) => res.writeHead(status, { location: `${other.origin}/x` }).end());
    const fetch = createGuardedFetch({ allowPrivateNetworks: true });

    const res = await fetch(start.origin, {
      method: 'PUT',
      headers: { 'x-api-key': 'secret', authorization: 'Bearer secret', 'x-trace': 't1' },
      credentialHeaders: ['X-API-Key'],
      body: 'v',
    });

    expect(res.text()).toBe('elsewhere');
    expect(start.requests[0]?.headers['x-api-key']).toBe('secret');
    const followed = other.requests[0];
    expect(followed).toMatchObject({ method: 'PUT', body: 'v', headers: { 'x-trace': 't1' } });
    expect(followed?.headers).not.toHaveProperty('x-api-key');
    expect(followed?.headers).not.toHaveProperty('authorization');
  });

  it('keeps a named credential header on a same-origin redirect, and drops it once the origin is left', async () => {
    const other = await servers.start((_req, res) => res.end('elsewhere'));
    const start = await servers.start((req, res) => {
      if (req.url === '/old') res.writeHead(307, { location: '/new' }).end();
      else res.writeHead(302, { location: other.origin }).end();
    });
    const fetch = createGuardedFetch({ allowPrivateNetworks: true });

    await fetch(`${start.origin}/old`, { headers: { 'x-api-key': 'secret' }, credentialHeaders: ['x-api-key'] });

    expect(start.requests.map((r) => [r.path, r.headers['x-api-key']])).toEqual([
      ['/old', 'secret'],
      ['/new', 'secret'],
    ]);
    expect(other.requests).toHaveLength(1);
    expect(other.requests[0]?.headers).not.toHaveProperty('x-api-key');
  });

  it('refuses an invalid credential header name before sending anything', async () => {
    const server = await servers.start((_req, res) => res.end('reached'));
    const fetch = createGuardedFetch({ allowPrivateNetworks: true });

    const err = await refusal(fetch(server.origin, { credentialHeaders: ['x api key'] }));

    expect(err.code).toBe('ERR_OUTBOUND_HEADER');
    expect(server.requests).toHaveLength(0);
  });

  it('hands back the 3xx with redirect: manual and fails with redirect: error', async () => {
    const server = await servers.start((_req, res) => res.writeHead(302, { location: '/elsewhere' }).end());
    const fetch = createGuardedFetch({ allowPrivateNetworks: true });

    const res = await fetch(server.origin, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/elsewhere');

    expect((await refusal(fetch(server.origin, { redirect: 'error' }))).code).toBe('ERR_OUTBOUND_REDIRECT');
    expect(server.requests).toHaveLength(2);
  });
});

describe('createGuardedFetch: size cap', () => {
  it('refuses a declared Content-Length over maxBytes before reading the body', async () => {
    const server = await servers.start((_req, res) => {
      res.writeHead(200, { 'content-length': String(10_000_000) });
      res.write(Buffer.alloc(1024));
    });
    const fetch = createGuardedFetch({ allowPrivateNetworks: true, maxBytes: 4096, timeout: 10_000 });
    const started = Date.now();

    const err = await refusal(fetch(server.origin));

    expect(err.code).toBe('ERR_OUTBOUND_TOO_LARGE');
    expect(Date.now() - started).toBeLessThan(2_000);
    await server.connectionClosed;
  });

  it('stops reading an undeclared (chunked) body past maxBytes and closes the connection', async () => {
    let written = 0;
    const server = await servers.start((_req, res) => {
      const timer = setInterval(() => {
        written += 16_384;
        res.write(Buffer.alloc(16_384, 0x61));
      }, 2);
      res.once('close', () => clearInterval(timer));
    });
    const fetch = createGuardedFetch({ allowPrivateNetworks: true, maxBytes: 65_536, timeout: 10_000 });

    const err = await refusal(fetch(server.origin));

    expect(err.code).toBe('ERR_OUTBOUND_TOO_LARGE');
    await server.connectionClosed;
    const writtenAtClose = written;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(written).toBe(writtenAtClose);
  });

  it('applies the cap to the decoded bytes of a compressed body', async () => {
    const bomb = gzipSync(Buffer.alloc(10_000_000));
    const server = await servers.start((_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': String(bomb.length) });
      res.end(bomb);
    });
    const fetch = createGuardedFetch({ allowPrivateNetworks: true, maxBytes: 1_048_576 });

    expect(bomb.length).toBeLessThan(1_048_576);
    expect((await refusal(fetch(server.origin))).code).toBe('ERR_OUTBOUND_TOO_LARGE');
  });

  it('applies the cap to the bytes on the wire as well', async () => {
    const incompressible = gzipSync(randomBytes(4_000));
    const server = await servers.start((_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip' });
      res.end(incompressible);
    });
    const fetch = createGuardedFetch({ allowPrivateNetworks: true, maxBytes: 4_010 });

    expect(incompressible.length).toBeGreaterThan(4_010);
    expect((await refusal(fetch(server.origin))).code).toBe('ERR_OUTBOUND_TOO_LARGE');
  });

  it('lets a request lower the cap, but not raise it', async () => {
    const server = await servers.start((_req, res) => res.end(Buffer.alloc(2_000)));
    const fetch = createGuardedFetch({ allowPrivateNetworks: true, maxBytes: 1_000 });
    const roomy = createGuardedFetch({ allowPrivateNetworks: true, maxBytes: 10_000 });

    expect((await refusal(fetch(server.origin, { maxBytes: 50_000 }))).code).toBe('ERR_OUTBOUND_TOO_LARGE');
    expect((await refusal(fetch(server.origin, { maxBytes: Number.NaN }))).code).toBe('ERR_OUTBOUND_TOO_LARGE');
    expect((await refusal(roomy(server.origin, { maxBytes: 1_999 }))).code).toBe('ERR_OUTBOUND_TOO_LARGE');
    expect((await roomy(server.origin, { maxBytes: 2_000 })).body).toHaveLength(2_000);
  });

  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
  ])('decodes a %s body and drops the encoding headers', async (coding, compress) => {
    const text = 'compressible '.repeat(1_000);
    const server = await servers.start((_req, res) => {
      res.writeHead(200, { 'content-encoding': coding }).end(compress(Buffer.from(text)));
    });
    const fetch = createGuardedFetch({ allowPrivateNetworks: true });

    const res = await fetch(server.origin);

    expect(res.text()).toBe(text);
    expect(res.headers.has('content-encoding')).toBe(false);
    expect(server.requests[0]?.headers['accept-encoding']).toBe('gzip, deflate, br');
  });

  it('reads no body, and refuses nothing, for HEAD whatever Content-Length says', async () => {
    const server = await servers.start((_req, res) => {
      res.writeHead(200, { 'content-length': String(50_000_000), 'content-encoding': 'gzip' }).end();
    });
    const fetch = createGuardedFetch({ allowPrivateNetworks: true, maxBytes: 1_000 });

    const res = await fetch(server.origin, { method: 'HEAD' });

    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(0);
    expect(res.headers.get('content-length')).toBe('50000000');
  });

  it('reports a corrupt compressed body as ERR_OUTBOUND_BODY', async () => {
    const server = await servers.start((_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip' }).end('this is not gzip');
    });
    const fetch = createGuardedFetch({ allowPrivateNetworks: true });

    expect((await refusal(fetch(server.origin))).code).toBe('ERR_OUTBOUND_BODY');
  });
});

describe('createGuardedFetch: time cap', () => {
  it('times out a server that never answers', async () => {
    const server = await servers.start(() => {});
    const fetch = createGuardedFetch({ allowPrivateNetworks: true, timeout: 200 });
    const started = Date.now();

    const err = await refusal(fetch(server.origin));

    expect(err.code).toBe('ERR_OUTBOUND_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(2_000);
    await server.connectionClosed;
  });

  it.each([
    ['plain', {}, Buffer.alloc(2_000, 0x61)],
    ['gzip', { 'content-encoding': 'gzip' }, gzipSync(randomBytes(2_000))],
  ])('reports a %s body cut off mid-way as ERR_OUTBOUND_NETWORK', async (_name, headers, body) => {
    const server = await servers.start((_req, res) => {
      res.writeHead(200, { ...headers, 'content-length': String(body.length * 2) });
      res.write(body, () => setTimeout(() => res.socket?.destroy(), 20));
    });
    const fetch = createGuardedFetch({ allowPrivateNetworks: true, timeout: 5_000 });

    const err = await refusal(fetch(server.origin));

    expect(err.code).toBe('ERR_OUTBOUND_NETWORK');
    expect(err.message).toBe(`request to ${server.origin} failed (ECONNRESET)`);
  });

  it('counts the whole exchange, so a body dripping slowly also times out', async () => {
    const server = await servers.start((_req, res) => {
      res.writeHead(200);
      const timer = setInterval(() => res.write('.'), 20);
      res.once('close', () => clearInterval(timer));
    });
    const fetch = createGuardedFetch({ allowPrivateNetworks: true, timeout: 5_000 });

    expect((await refusal(fetch(server.origin, { timeoutMs: 250 }))).code).toBe('ERR_OUTBOUND_TIMEOUT');
    await server.connectionClosed;
  });

  it('counts time across redirects', async () => {
    const slow = await servers.start((_req, res) => {
      setTimeout(() => res.writeHead(302, { location: '/' }).end(), 80);
    });
    const fetch = createGuardedFetch({ allowPrivateNetworks: true, timeout: 300, maxRedirects: 20 });

    expect((await refusal(fetch(slow.origin))).code).toBe('ERR_OUTBOUND_TIMEOUT');
    expect(slow.requests.length).toBeLessThan(6);
  });

  it("rejects with the caller's abort reason when init.signal aborts", async () => {
    const server = await servers.start(() => {});
    const fetch = createGuardedFetch({ allowPrivateNetworks: true, timeout: 10_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('caller gave up')), 50);

    await expect(fetch(server.origin, { signal: controller.signal })).rejects.toThrow('caller gave up');
    await server.connectionClosed;
  });
});

describe('createGuardedFetch: schemes and URLs', () => {
  it.each(['file:///etc/passwd', 'ftp://ftp.example.test/file', 'data:text/plain,hi', 'gopher://x.test/'])(
    'refuses %s',
    async (url) => {
      const fetch = createGuardedFetch({ allowPrivateNetworks: true, lookup: neverCalled });
      expect((await refusal(fetch(url))).code).toBe('ERR_OUTBOUND_SCHEME');
    },
  );

  it('refuses http when only https is allowed', async () => {
    const fetch = createGuardedFetch({ allowedSchemes: ['https'], allowPrivateNetworks: true, lookup: neverCalled });
    expect((await refusal(fetch('http://127.0.0.1:9/'))).code).toBe('ERR_OUTBOUND_SCHEME');
  });

  it('with allowHttp false, refuses plain http to a public address but not to an allowed private one', async () => {
    const server = await servers.start((_req, res) => res.end('local'));
    const fetch = createGuardedFetch({
      allowHttp: false,
      allowPrivateNetworks: true,
      lookup: scriptedLookup(['8.8.8.8']),
    });

    expect((await refusal(fetch('http://public.example.test/'))).code).toBe('ERR_OUTBOUND_SCHEME');
    expect((await fetch(server.origin)).text()).toBe('local');
  });

  it('refuses URLs carrying credentials and strings that are not absolute URLs', async () => {
    const fetch = createGuardedFetch({ allowPrivateNetworks: true, lookup: neverCalled });
    expect((await refusal(fetch('http://user:pw@127.0.0.1:9/'))).code).toBe('ERR_OUTBOUND_URL');
    expect((await refusal(fetch('/relative/path'))).code).toBe('ERR_OUTBOUND_URL');
  });
});

describe('createGuardedFetch: secrets stay out of errors', () => {
  it('names neither header values nor path and query in refusals', async () => {
    const fetch = createGuardedFetch({ lookup: neverCalled });
    const err = await refusal(
      fetch('http://10.0.0.1/hooks/s3cr3t-path?token=s3cr3t-query', { headers: { authorization: 'Bearer s3cr3t' } }),
    );
    expect(err.message).not.toMatch(/s3cr3t/);
    expect(err.publicMessage).not.toMatch(/s3cr3t/);
  });

  it('does not echo an invalid header value', async () => {
    const fetch = createGuardedFetch({ allowPrivateNetworks: true, lookup: neverCalled });
    const err = await refusal(fetch('http://127.0.0.1:9/', { headers: { authorization: 'Bearer s3cr3t\r\nX: y' } }));
    expect(err.code).toBe('ERR_OUTBOUND_HEADER');
    expect(err.message).not.toMatch(/s3cr3t/);
  });

  it('does not echo a body that is not JSON', async () => {
    const server = await servers.start((_req, res) => res.end('access_token=s3cr3t'));
    const res = await createGuardedFetch({ allowPrivateNetworks: true })(server.origin);
    let thrown: unknown;
    try {
      res.json();
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toMatchObject({ code: 'ERR_OUTBOUND_BODY' });
    expect(String((thrown as Error).message)).not.toMatch(/s3cr3t/);
  });
});
