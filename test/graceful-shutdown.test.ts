import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { loadConfig } from '@parley/config';
import { silentLogger } from '@parley/core';
import { type Mesh, type MeshPart, startMesh } from '@parley/server';
import { describe, expect, it } from 'vitest';
import { tempDir } from './support/parley-process.ts';

/** Resolves with how `closing` ended, or 'still open' once `ms` have passed. */
function settledWithin(closing: Promise<void>, ms: number): Promise<'closed' | 'still open'> {
  return Promise.race([
    closing.then(() => 'closed' as const),
    new Promise<'still open'>((resolve) => setTimeout(() => resolve('still open'), ms).unref()),
  ]);
}

function meshConfig(dataDir: string, shutdownGrace: string) {
  return loadConfig({
    overrides: [
      { path: ['server', 'port'], value: 0 },
      { path: ['dataDir'], value: dataDir },
      { path: ['server', 'shutdownGrace'], value: shutdownGrace },
    ],
  });
}

/** Resolved each time the slow route has a request in hand. */
let slowEntered: () => void = () => {};

/** A part with one slow route, to have a request in flight during shutdown. */
const slowPart: MeshPart = {
  name: 'slow',
  async start({ app }) {
    app.get('/slow', async () => {
      slowEntered();
      await new Promise((resolve) => setTimeout(resolve, 500));
      return { finished: true };
    });
    return undefined;
  },
};

describe('graceful shutdown', () => {
  it('lets an in-flight request finish, then refuses new connections', async () => {
    const config = loadConfig({
      overrides: [
        { path: ['server', 'port'], value: 0 },
        { path: ['dataDir'], value: tempDir() },
      ],
    });
    const mesh = await startMesh({ config, mode: 'start', logger: silentLogger(), parts: [slowPart] });
    // Closing starts once the request is in the route: a fixed sleep lost the race on a loaded machine (503).
    const entered = new Promise<void>((resolve) => {
      slowEntered = resolve;
    });
    const inFlight = fetch(`${mesh.url}/slow`);
    await entered;
    const closing = mesh.close();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ finished: true });
    await closing;
    await expect(fetch(`${mesh.url}/healthz`)).rejects.toThrow();
  });

  it('answers malformed and oversized bodies with a JSON error, not a crash', async () => {
    const config = loadConfig({
      overrides: [
        { path: ['server', 'port'], value: 0 },
        { path: ['dataDir'], value: tempDir() },
        { path: ['server', 'bodyLimit'], value: 1024 },
      ],
    });
    const echo: MeshPart = {
      name: 'echo',
      async start({ app }) {
        app.post('/echo', async (request) => request.body);
        return undefined;
      },
    };
    const mesh = await startMesh({ config, mode: 'start', logger: silentLogger(), parts: [echo] });
    try {
      const bad = await fetch(`${mesh.url}/echo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"a":',
      });
      expect(bad.status).toBe(400);
      expect((await bad.json()).error.code).toBeTruthy();
      const big = await fetch(`${mesh.url}/echo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ pad: 'x'.repeat(4096) }),
      });
      expect(big.status).toBe(413);
      const ok = await fetch(`${mesh.url}/echo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"a":1}',
      });
      expect(await ok.json()).toEqual({ a: 1 });
    } finally {
      await mesh.close();
    }
  });

  it('ends MCP notification streams, so connected clients do not hold shutdown', async () => {
    const dataDir = tempDir();
    // A grace long enough that only ending the streams can close the mesh within the check below.
    const mesh: Mesh = await startMesh({ config: meshConfig(dataDir, '120s'), mode: 'dev', logger: silentLogger() });
    const { users } = JSON.parse(readFileSync(join(dataDir, 'dev-credentials.json'), 'utf8')) as {
      users: Array<{ username: string; apiKey: string }>;
    };
    const apiKey = users.find((u) => u.username === 'alice')?.apiKey;
    const transport = () =>
      new StreamableHTTPClientTransport(new URL(`${mesh.url}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${apiKey}` } },
      });
    // A 2025-11-25 session (its GET stream open) and a 2026-07-28 client listening for changes.
    const session = new Client({ name: 'session', version: '1' }, { versionNegotiation: { mode: 'legacy' } });
    await session.connect(transport());
    const listener = new Client({ name: 'listener', version: '1' }, { versionNegotiation: { mode: 'auto' } });
    await listener.connect(transport());
    await listener.listen({ toolsListChanged: true });
    expect(await settledWithin(mesh.close(), 20_000)).toBe('closed');
    await Promise.all([session.close(), listener.close()]).catch(() => undefined);
  }, 60_000);

  it('cuts a connection that never sends a request once half the shutdown grace has passed', async () => {
    const mesh = await startMesh({ config: meshConfig(tempDir(), '2s'), mode: 'start', logger: silentLogger() });
    const silent = connect(Number(new URL(mesh.url).port), '127.0.0.1');
    await new Promise((resolve) => silent.once('connect', resolve));
    const cut = new Promise((resolve) => silent.once('close', resolve));
    expect(await settledWithin(mesh.close(), 20_000)).toBe('closed');
    await cut;
  }, 30_000);
});
