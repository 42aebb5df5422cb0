import { loadConfig } from '@parley/config';
import { silentLogger } from '@parley/core';
import { type MeshPart, startMesh } from '@parley/server';
import { describe, expect, it } from 'vitest';
import { tempDir } from './support/parley-process.ts';

/** A part with one slow route, to have a request in flight during shutdown. */
const slowPart: MeshPart = {
  name: 'slow',
  async start({ app }) {
    app.get('/slow', async () => {
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
    const inFlight = fetch(`${mesh.url}/slow`);
    await new Promise((resolve) => setTimeout(resolve, 100));
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
});
