import { readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { type AgentCard, PUSH_JWKS_PATH, signatureKids, verifyAgentCard } from '@parley/a2a';
import { validateConfig } from '@parley/config';
import { silentLogger } from '@parley/core';
import type { IdentityService } from '@parley/identity';
import { startMesh } from '@parley/server';
import type { JWK } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/parley-process.ts';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function json<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return (await response.json()) as T;
}

/** What a client sees of an agent's keys on one run of the mesh. */
async function observe(url: string, agent: string) {
  const card = await json<AgentCard>(`${url}/a2a/${agent}/.well-known/agent-card.json`);
  const jwks = await json<{ keys: JWK[] }>(`${url}/a2a/${agent}/.well-known/jwks.json`);
  const push = await json<{ keys: JWK[] }>(`${url}${PUSH_JWKS_PATH}`);
  return { card, jwks, push, verified: await verifyAgentCard(card, jwks.keys) };
}

describe('agent keys across a restart', () => {
  const dataDir = tempDir('parley-a2a-keys-');
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('serves the same signed card, kid and push JWKS, the kid being the agent OAuth key', async () => {
    const config = validateConfig({ dataDir, server: { port: await freePort() }, log: { level: 'silent' } });
    const first = await startMesh({ config, mode: 'dev', logger: silentLogger() });
    let before: Awaited<ReturnType<typeof observe>>;
    let registered: JWK[];
    try {
      before = await observe(first.url, 'scheduler');
      registered = await (first.context.services.get('identity') as IdentityService).agentPublicJwks('scheduler');
    } finally {
      await first.close();
    }
    expect(before.verified.ok).toBe(true);
    const [kid] = signatureKids(before.card);
    // The card is signed with the key the scheduler's OAuth client is registered with ...
    expect(registered.map((key) => key.kid)).toEqual([kid]);
    // ... and the dev credentials still hold its private half.
    const credentials = JSON.parse(readFileSync(join(dataDir, 'dev-credentials.json'), 'utf8')) as {
      agents: Array<{ name: string; privateJwk: JWK }>;
    };
    const scheduler = credentials.agents.find((agent) => agent.name === 'scheduler');
    expect(scheduler?.privateJwk.kid).toBe(kid);
    expect(scheduler?.privateJwk.x).toBe(registered[0]?.x);

    const second = await startMesh({ config, mode: 'dev', logger: silentLogger() });
    try {
      const after = await observe(second.url, 'scheduler');
      expect(after.card).toEqual(before.card);
      expect(after.jwks).toEqual(before.jwks);
      expect(after.push).toEqual(before.push);
      expect(after.verified).toEqual({ ok: true, kid });
      const concierge = await observe(second.url, 'concierge');
      expect(concierge.verified.ok).toBe(true);
    } finally {
      await second.close();
    }
  }, 60_000);
});
