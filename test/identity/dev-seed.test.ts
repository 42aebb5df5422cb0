import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/parley-process.ts';
import { startIdentityMesh } from './mesh.ts';

describe('dev seeding', () => {
  const dataDir = tempDir('parley-dev-seed-');
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('writes dev-credentials.json in the documented shape and keeps it valid across restarts', async () => {
    const first = await startIdentityMesh({ mode: 'dev', dataDir });
    const file = join(dataDir, 'dev-credentials.json');
    let credentials: Record<string, unknown>;
    try {
      credentials = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      expect(credentials).toMatchObject({
        issuer: first.url,
        users: [
          { username: 'alice', password: expect.any(String), apiKey: expect.stringMatching(/^prl_/) },
          { username: 'ops', password: expect.any(String), apiKey: expect.stringMatching(/^prl_/) },
        ],
      });
      // ops is the demo's administrator, so someone can sign in to the console as one.
      expect(first.identity.directory.principal('ops')?.roles).toEqual(['admin']);
      expect(first.identity.directory.principal('alice')?.roles).toEqual([]);
      const agents = credentials.agents as Array<Record<string, unknown>>;
      expect(agents.map((a) => a.name)).toEqual(['concierge', 'scheduler', 'facilities', 'comms']);
      for (const agent of agents) {
        expect(agent).toMatchObject({
          clientId: agent.name,
          clientSecret: null,
          privateJwk: { kty: 'EC', d: expect.any(String) },
        });
      }
      expect(first.mesh.banner).toContainEqual({
        label: 'User',
        value: `alice / ${(credentials.users as Array<{ password: string }>)[0]?.password}`,
      });
      expect(first.mesh.banner).toContainEqual({
        label: 'User',
        value: `ops / ${(credentials.users as Array<{ password: string }>)[1]?.password} (admin, for the console)`,
      });
    } finally {
      await first.close();
    }
    // A restart keeps the same credentials (they still work).
    const second = await startIdentityMesh({ mode: 'dev', dataDir });
    try {
      const again = JSON.parse(readFileSync(file, 'utf8')) as typeof credentials;
      expect({ ...again, issuer: '' }).toEqual({ ...credentials, issuer: '' });
      const alice = (again.users as Array<{ apiKey: string; password: string }>)[0];
      await expect(
        second.identity.authenticate(
          { method: 'GET', url: '/mcp', headers: { authorization: `Bearer ${alice?.apiKey}` } },
          { url: `${second.url}/mcp` },
        ),
      ).resolves.toMatchObject({ principal: { type: 'User', id: 'alice' } });
    } finally {
      await second.close();
    }
  });

  it('renews credentials that no longer match the store', async () => {
    const dir = tempDir('parley-dev-seed-stale-');
    try {
      const first = await startIdentityMesh({ mode: 'dev', dataDir: dir });
      const file = join(dir, 'dev-credentials.json');
      const original = JSON.parse(readFileSync(file, 'utf8')) as { users: Array<{ apiKey: string }> };
      const id = original.users[0]?.apiKey.split('_')[1] ?? '';
      await first.identity.revokeApiKey(id);
      await first.close();
      const second = await startIdentityMesh({ mode: 'dev', dataDir: dir });
      const renewed = JSON.parse(readFileSync(file, 'utf8')) as { users: Array<{ apiKey: string }> };
      expect(renewed.users[0]?.apiKey).not.toBe(original.users[0]?.apiKey);
      expect(second.identity.isApiKeyValidFor(renewed.users[0]?.apiKey ?? '', 'alice')).toBe(true);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
