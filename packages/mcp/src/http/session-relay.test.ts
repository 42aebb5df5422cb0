import { InProcessBus, silentLogger } from '@parley/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type HandleRelayed, type RelayedRequest, SessionRelay } from './session-relay.ts';

describe('SessionRelay', () => {
  const relays: SessionRelay[] = [];
  afterEach(async () => {
    for (const relay of relays.splice(0)) await relay.close();
  });
  const bus = new InProcessBus();
  const replica = async (name: string, handle: HandleRelayed, heartbeatMs?: number) => {
    const relay = new SessionRelay({
      bus,
      replica: name,
      logger: silentLogger(),
      ...(heartbeatMs ? { heartbeatMs } : {}),
    });
    relays.push(relay);
    await relay.serve(handle);
    return relay;
  };
  const request: RelayedRequest = {
    sessionId: 'a.session',
    owner: 'alice',
    virtualServer: undefined,
    method: 'POST',
    url: 'http://parley.test/mcp',
    headers: { authorization: 'Bearer secret', 'mcp-session-id': 'a.session', 'content-type': 'application/json' },
    body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}',
  };

  it('brings the holder’s response back, and leaves the credentials where they were received', async () => {
    const seen: RelayedRequest[] = [];
    await replica('a', async (relayed) => {
      seen.push(relayed);
      return new Response('{"jsonrpc":"2.0","id":1,"result":{"tools":[]}}', {
        status: 200,
        headers: { 'content-type': 'application/json', 'mcp-session-id': 'a.session' },
      });
    });
    const b = await replica('b', async () => undefined);
    const response = await b.forward('a', request, new AbortController().signal);
    expect(response?.status).toBe(200);
    expect(response?.headers.get('mcp-session-id')).toBe('a.session');
    expect(await response?.text()).toBe('{"jsonrpc":"2.0","id":1,"result":{"tools":[]}}');
    expect(seen[0]?.headers).toEqual({ 'mcp-session-id': 'a.session', 'content-type': 'application/json' });
    expect(seen[0]?.body).toBe(request.body);
  });

  it('streams as the holder writes, and aborts the holder’s request when the client leaves', async () => {
    let holderSignal: AbortSignal | undefined;
    await replica('a', async (_relayed, signal) => {
      holderSignal = signal;
      const stream = new ReadableStream<Uint8Array>({
        start: (controller) => controller.enqueue(new TextEncoder().encode('event: message\ndata: {}\n\n')),
      });
      return new Response(stream, { status: 200, headers: { 'content-type': 'text/event-stream' } });
    });
    const b = await replica('b', async () => undefined);
    const client = new AbortController();
    const response = await b.forward('a', { ...request, method: 'GET', body: undefined }, client.signal);
    const reader = response?.body?.getReader();
    const first = await reader?.read();
    expect(new TextDecoder().decode(first?.value)).toBe('event: message\ndata: {}\n\n');
    client.abort();
    await expect.poll(() => holderSignal?.aborted).toBe(true);
  });

  it('keeps a quiet stream open while the holder beats, and fails it once the holder falls silent', async () => {
    const quiet: HandleRelayed = async () =>
      new Response(new ReadableStream<Uint8Array>({ start: () => {} }), {
        status: 200,
        headers: { 'content-type': 'text/event-stream' },
      });
    await replica('beating', quiet, 50);
    await replica('silent', quiet, 60_000);
    const b = await replica('b', async () => undefined, 50);
    const get = { ...request, method: 'GET', body: undefined };
    const alive = (await b.forward('beating', get, new AbortController().signal))?.body?.getReader();
    const outcome = await Promise.race([
      alive?.read().then(
        () => 'ended',
        () => 'failed',
      ),
      new Promise((resolve) => setTimeout(() => resolve('open'), 400)),
    ]);
    expect(outcome).toBe('open');
    void alive?.cancel();
    const gone = (await b.forward('silent', get, new AbortController().signal))?.body?.getReader();
    await expect(gone?.read()).rejects.toThrow(/went silent/);
  });

  it('answers undefined when the holder has no such session, or no replica answers', async () => {
    await replica('a', async () => undefined);
    const b = await replica('b', async () => undefined);
    expect(await b.forward('a', request, new AbortController().signal)).toBeUndefined();
    expect(await b.forward('gone', request, new AbortController().signal)).toBeUndefined();
  });
});
