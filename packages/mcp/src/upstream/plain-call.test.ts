import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGuardedFetch } from '@parley/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlainCall, sendPlainCall } from './plain-call.ts';

const guarded = createGuardedFetch({ allowPrivateNetworks: true, allowHttp: true });

describe('sendPlainCall', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    // An SSE upstream that keeps the stream alive with comments and never answers.
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const beat = setInterval(() => res.write(': still here\n\n'), 20);
      res.on('close', () => clearInterval(beat));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  const call = (overrides: Partial<PlainCall> = {}): PlainCall => ({
    url,
    protocolVersion: '2026-07-28',
    id: 1,
    name: 'stalls',
    arguments: {},
    clientCapabilities: {},
    headers: {},
    signal: new AbortController().signal,
    timeoutMs: 300,
    ...overrides,
  });

  it('gives up on a stream that never answers once the call time is up, though bytes keep coming', async () => {
    const started = Date.now();
    await expect(sendPlainCall(guarded, call())).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('stops when the caller goes away', async () => {
    const left = new AbortController();
    setTimeout(() => left.abort(new Error('caller left')), 50);
    await expect(sendPlainCall(guarded, call({ signal: left.signal, timeoutMs: 60_000 }))).rejects.toThrow(
      'caller left',
    );
  });

  it('does not take the credential headers along when the upstream redirects to another origin', async () => {
    const seen: Record<string, string | string[] | undefined>[] = [];
    const other = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ jsonrpc: '2.0', id: 1, result: { content: [] } }));
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const redirecting = createServer((_req, res) => {
      res.writeHead(307, { location: `http://127.0.0.1:${(other.address() as AddressInfo).port}/mcp` }).end();
    });
    await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
    try {
      const start = `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}/mcp`;
      await sendPlainCall(guarded, call({ url: start, headers: { 'x-api-key': 'secret' }, timeoutMs: 5000 }));

      expect(seen).toHaveLength(1);
      expect(seen[0]).not.toHaveProperty('x-api-key');
      expect(seen[0]).toHaveProperty('mcp-method', 'tools/call');
    } finally {
      for (const s of [other, redirecting]) {
        s.closeAllConnections();
        s.close();
      }
    }
  });
});
