import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createCalendarServer, type HttpUpstream, serveHttp } from '@parley/example-mcp-upstreams';
import type { Store, TestStoreBackend } from '@parley/store';
import { testStoreBackends } from '@parley/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parleyBin } from '../support/parley-process.ts';
import { DEMO_TODAY, type Harness, startHarness } from './support/harness.ts';

/** Runs `parley ARGS` without blocking this process (the gateway under test lives here). */
function parley(args: string[], stdin = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [parleyBin, ...args], { env: { ...process.env, PARLEY_API_KEY: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

const CALL = { name: 'vault.list_events', arguments: { people: ['carol'] } };

describe.each(testStoreBackends())('per-user upstream credentials on $name', (backend: TestStoreBackend) => {
  let h: Harness;
  let store: Store;
  let dispose: () => Promise<void>;
  let dataDir: string;
  let vault: HttpUpstream;
  let keyed: HttpUpstream;
  let plain: HttpUpstream;

  const start = (dir = dataDir) =>
    startHarness({
      store,
      withDemo: false,
      dataDir: dir,
      extraServers: [
        { name: 'vault', url: vault.url, auth: { type: 'per-user' } },
        { name: 'keyed', url: keyed.url, auth: { type: 'per-user', header: 'X-Api-Key' } },
        { name: 'plain', url: plain.url },
      ],
    });

  beforeAll(async () => {
    const opened = await backend.open();
    store = opened.store;
    dispose = opened.dispose;
    dataDir = mkdtempSync(join(tmpdir(), 'parley-data-'));
    const calendar = () => createCalendarServer({ today: () => DEMO_TODAY });
    [vault, keyed, plain] = await Promise.all([serveHttp(calendar), serveHttp(calendar), serveHttp(calendar)]);
    h = await start();
  });
  afterAll(async () => {
    await h?.close();
    await Promise.all([vault?.close(), keyed?.close(), plain?.close()]);
    await dispose?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const apiToken = (sub: string, roles: string[] = []) => h.pipeline.token({ sub, aud: `${h.baseUrl}/api`, roles });
  const api = async (method: string, path: string, token: string, body?: unknown) =>
    fetch(`${h.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  const setOwn = async (sub: string, value: string, server = 'vault') =>
    expect((await api('PUT', `/api/mcp/servers/${server}/credentials`, await apiToken(sub), { value })).status).toBe(
      200,
    );
  /** Calls `tool` as `token` and returns the headers the upstream saw for that call. */
  const callAs = async (token: string, upstream = vault, call = CALL) => {
    const client = new Client({ name: 'test', version: '1' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(h.mcpUrl), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
    try {
      const before = upstream.seenHeaders.length;
      await client.callTool(call);
      return upstream.seenHeaders.slice(before);
    } finally {
      await client.close();
    }
  };

  it("sends each user's own credential upstream, never another's and never the caller's token", async () => {
    await setOwn('alice', 'alice-secret');
    await setOwn('bob', 'Basic Ym9iOnNlY3JldA==');
    const aliceToken = await h.token('alice');
    const bobToken = await h.token('bob');
    const agentForBob = await h.pipeline.token({ sub: 'bob', aud: h.mcpUrl, act: { sub: 'scheduler' } });

    const seenByAlice = await callAs(aliceToken);
    const seenByBob = await callAs(bobToken);
    const seenByAgent = await callAs(agentForBob);

    expect(seenByAlice.map((s) => s.authorization)).toContain('Bearer alice-secret');
    expect(seenByBob.map((s) => s.authorization)).toContain('Basic Ym9iOnNlY3JldA==');
    expect(seenByAgent.map((s) => s.authorization)).toContain('Basic Ym9iOnNlY3JldA==');
    const everything = JSON.stringify(vault.seenHeaders);
    for (const token of [aliceToken, bobToken, agentForBob]) expect(everything).not.toContain(token);
    expect(JSON.stringify([...seenByBob, ...seenByAgent])).not.toContain('alice-secret');
    expect(JSON.stringify(seenByAlice)).not.toContain('Ym9i');
  });

  it('puts a credential for another header there as it is', async () => {
    await setOwn('alice', 'k-123', 'keyed');
    const seen = await callAs(await h.token('alice'), keyed, { name: 'keyed.list_events', arguments: { people: [] } });
    expect(seen.map((s) => s['x-api-key'])).toContain('k-123');
    expect(seen.some((s) => s.authorization !== undefined)).toBe(false);
  });

  it('fails a user without a credential with an error naming where to set it', async () => {
    await expect(callAs(await h.token('carol'))).rejects.toThrow(
      `you have no credential for upstream server vault: set yours with PUT ${h.baseUrl}/api/mcp/servers/vault/credentials`,
    );
  });

  it('shows whether a credential is set and when, never its value; admins manage other users', async () => {
    await setOwn('alice', 'alice-secret');
    const status = await api('GET', '/api/mcp/servers/vault/credentials', await apiToken('alice'));
    const text = await status.text();
    expect(JSON.parse(text)).toMatchObject({
      server: 'vault',
      user: 'alice',
      set: true,
      updatedAt: expect.any(Number),
    });
    expect(text).not.toContain('alice-secret');

    const alice = await apiToken('alice');
    const admin = await apiToken('root', ['admin']);
    expect((await api('PUT', '/api/mcp/servers/vault/credentials', alice, { user: 'dave', value: 'x' })).status).toBe(
      403,
    );
    expect((await api('PUT', '/api/mcp/servers/vault/credentials', alice, { value: '' })).status).toBe(400);
    expect((await api('PUT', '/api/mcp/servers/vault/credentials', alice, { value: 'x', extra: 1 })).status).toBe(400);
    expect((await api('PUT', '/api/mcp/servers/nope/credentials', alice, { value: 'x' })).status).toBe(404);
    expect((await api('PUT', '/api/mcp/servers/plain/credentials', alice, { value: 'x' })).status).toBe(409);
    expect(
      (await api('PUT', '/api/mcp/servers/vault/credentials', admin, { user: 'dave', value: 'dave-1' })).status,
    ).toBe(200);
    expect((await callAs(await h.token('dave'))).map((s) => s.authorization)).toContain('Bearer dave-1');

    expect((await api('DELETE', '/api/mcp/servers/vault/credentials?user=dave', admin)).status).toBe(204);
    expect(await (await api('GET', '/api/mcp/servers/vault/credentials?user=dave', admin)).json()).toEqual({
      server: 'vault',
      user: 'dave',
      set: false,
    });
    await expect(callAs(await h.token('dave'))).rejects.toThrow(/no credential for upstream server vault/);
    expect((await api('DELETE', '/api/mcp/servers/vault/credentials?user=dave', admin)).status).toBe(404);
  });

  it('keeps only ciphertext in the store, bound to its row', async () => {
    await setOwn('alice', 'alice-secret');
    await setOwn('bob', 'bob-secret');
    const rows = await store.db.selectFrom('mcp_user_credentials').selectAll().where('server', '=', 'vault').execute();
    expect(rows.length).toBeGreaterThanOrEqual(2);
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain('alice-secret');
    expect(dump).not.toContain('bob-secret');
    expect(dump).not.toContain(Buffer.from('alice-secret').toString('base64'));

    const bob = rows.find((r) => r.user_id === 'bob');
    await store.db
      .updateTable('mcp_user_credentials')
      .set({ iv: bob?.iv ?? '', ciphertext: bob?.ciphertext ?? '' })
      .where('server', '=', 'vault')
      .where('user_id', '=', 'alice')
      .execute();
    await expect(callAs(await h.token('alice'))).rejects.toThrow(/credential for vault cannot be used; set it again/);
    await setOwn('alice', 'alice-secret');
  });

  it('is managed from the CLI: servers credentials set --value-stdin, show --json, clear', async () => {
    const flags = ['--url', h.baseUrl, '--api-key', await apiToken('erin')];
    const set = await parley(['servers', 'credentials', 'set', 'vault', '--value-stdin', ...flags], 'erin-secret\n');
    expect(set).toMatchObject({ code: 0, stdout: 'credential of erin for vault set\n' });
    expect((await callAs(await h.token('erin'))).map((s) => s.authorization)).toContain('Bearer erin-secret');
    const show = await parley(['servers', 'credentials', 'show', 'vault', '--json', ...flags]);
    expect(JSON.parse(show.stdout)).toMatchObject({ server: 'vault', user: 'erin', set: true });
    expect(show.stdout).not.toContain('erin-secret');
    expect((await parley(['servers', 'credentials', 'clear', 'vault', ...flags])).code).toBe(0);
    const cleared = await parley(['servers', 'credentials', 'show', 'vault', '--json', ...flags]);
    expect(JSON.parse(cleared.stdout)).toEqual({ server: 'vault', user: 'erin', set: false });
    const admin = ['--url', h.baseUrl, '--api-key', await apiToken('root', ['admin'])];
    expect(
      (await parley(['servers', 'credentials', 'set', 'vault', '--user', 'erin', '--value', 'v2', ...admin])).code,
    ).toBe(0);
    expect((await callAs(await h.token('erin'))).map((s) => s.authorization)).toContain('Bearer v2');
  });

  it('keeps working across a restart with the same key file, and not with another key', async () => {
    await setOwn('alice', 'alice-secret');
    await h.close();
    h = await start();
    expect((await callAs(await h.token('alice'))).map((s) => s.authorization)).toContain('Bearer alice-secret');
    if (process.platform !== 'win32') expect(statSync(join(dataDir, 'credential-key')).mode & 0o777).toBe(0o600);

    const otherDir = mkdtempSync(join(tmpdir(), 'parley-data-'));
    await h.close();
    h = await start(otherDir);
    try {
      await expect(callAs(await h.token('alice'))).rejects.toThrow(/cannot be used; set it again/);
    } finally {
      await h.close();
      rmSync(otherDir, { recursive: true, force: true });
      h = await start();
    }
  });
});
