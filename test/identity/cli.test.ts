import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parleyBin } from '../support/parley-process.ts';
import { type IdentityMesh, startIdentityMesh } from './mesh.ts';

describe('parley users|agents|keys against a running server', { timeout: 120_000 }, () => {
  let env: IdentityMesh;
  // Asynchronous: the server under test runs in this process, so a synchronous spawn would block it.
  const parley = (args: string[]) =>
    new Promise<{ code: number; stdout: string; json: () => Record<string, unknown> & unknown[] }>((resolve) => {
      execFile(process.execPath, [parleyBin, ...args], { timeout: 60_000 }, (error, stdout) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, json: () => JSON.parse(stdout) as Record<string, unknown> & unknown[] });
      });
    });
  const cli = (...args: string[]) => parley([...args, '--url', env.url, '--data-dir', env.dataDir, '--json']);

  beforeAll(async () => {
    env = await startIdentityMesh();
  });
  afterAll(async () => {
    await env?.close();
  });

  it('writes the bootstrap admin key with mode 0600', () => {
    const path = join(env.dataDir, 'admin-api-key');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toMatch(/^prl_/);
  });

  it('creates, lists and disables users', async () => {
    const created = await cli('users', 'create', 'dora', '--role', 'auditor');
    expect(created.code).toBe(0);
    expect(created.json()).toMatchObject({ name: 'dora', roles: ['auditor'], disabled: false });
    expect(String(created.json().password).length).toBeGreaterThanOrEqual(16);
    expect(((await cli('users', 'list')).json() as Array<{ name: string }>).map((u) => u.name)).toEqual(
      expect.arrayContaining(['admin', 'dora']),
    );
    expect((await cli('users', 'disable', 'dora')).json()).toMatchObject({ name: 'dora', disabled: true });
    const duplicate = await cli('users', 'create', 'dora');
    expect(duplicate.code).toBe(1);
    expect(duplicate.json()).toMatchObject({ ok: false, code: 'ERR_CONFLICT' });
  });

  it('creates agents with a key pair or a secret, lists and disables them', async () => {
    const keyed = await cli('agents', 'create', 'planner');
    expect(keyed.code).toBe(0);
    expect(keyed.json()).toMatchObject({ clientId: 'planner', clientSecret: null, publicJwk: { kty: 'EC' } });
    expect(keyed.json().privateJwk).toHaveProperty('d');
    expect((keyed.json().publicJwk as Record<string, unknown>).d).toBeUndefined();
    const secret = await cli('agents', 'create', 'billing', '--secret');
    expect(secret.json()).toMatchObject({ clientId: 'billing', publicJwk: null });
    expect(typeof secret.json().clientSecret).toBe('string');
    expect(((await cli('agents', 'list')).json() as Array<{ name: string }>).map((a) => a.name)).toEqual(
      expect.arrayContaining(['planner', 'billing']),
    );
    expect((await cli('agents', 'disable', 'planner')).json()).toMatchObject({ disabled: true });
  });

  it('creates a key shown once, lists it without the secret, and revokes it', async () => {
    await cli('users', 'create', 'eve');
    const created = await cli(
      'keys',
      'create',
      '--principal',
      'eve',
      '--scopes',
      'mcp:tools a2a:message',
      '--expires',
      '30d',
      '--resource',
      `${env.url}/mcp`,
    );
    expect(created.code).toBe(0);
    const { key, id, scopes, expiresAt } = created.json() as unknown as {
      key: string;
      id: string;
      scopes: string[];
      expiresAt: string;
    };
    expect(key).toMatch(/^prl_/);
    expect(scopes).toEqual(['mcp:tools', 'a2a:message']);
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(29 * 24 * 3600 * 1000);
    const listed = await cli('keys', 'list');
    expect(listed.stdout).not.toContain(key);
    expect((listed.json() as Array<{ id: string }>).some((k) => k.id === id)).toBe(true);
    const auth = { method: 'GET', url: '/mcp', headers: { authorization: `Bearer ${key}` } };
    await expect(env.identity.authenticate(auth, { url: `${env.url}/mcp` })).resolves.toBeDefined();
    expect((await cli('keys', 'revoke', id)).json()).toMatchObject({ id });
    await expect(env.identity.authenticate(auth, { url: `${env.url}/mcp` })).rejects.toMatchObject({
      code: 'ERR_AUTH_KEY_REVOKED',
    });
  });

  it('rotates the signing key', async () => {
    const before = (await (await fetch(`${env.url}/oauth/jwks`)).json()) as { keys: Array<{ kid: string }> };
    const rotated = await cli('keys', 'rotate');
    expect(rotated.code).toBe(0);
    const { kid } = rotated.json() as unknown as { kid: string };
    const after = (await (await fetch(`${env.url}/oauth/jwks`)).json()) as { keys: Array<{ kid: string }> };
    expect(after.keys.map((k) => k.kid)).toEqual(expect.arrayContaining([kid, ...before.keys.map((k) => k.kid)]));
  });

  it('refuses the admin API to a non-admin key', async () => {
    await cli('users', 'create', 'frank');
    const { key } = (await cli('keys', 'create', '--principal', 'frank')).json() as unknown as { key: string };
    const result = await parley(['users', 'list', '--url', env.url, '--api-key', key, '--json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, code: 'ERR_POLICY_DENIED' });
  });
});
