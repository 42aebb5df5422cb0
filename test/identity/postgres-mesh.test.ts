import { rmSync } from 'node:fs';
import { validateConfig } from '@parley/config';
import { silentLogger } from '@parley/core';
import type { CreatedAgent, IdentityService } from '@parley/identity';
import { type Mesh, startMesh } from '@parley/server';
import { testSchemaName } from '@parley/store';
import * as oauth from 'oauth4webapi';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/parley-process.ts';
import { discover, insecure } from './oauth.ts';

const PG_URL = process.env.PARLEY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

// The whole mesh (every default part) on PostgreSQL, in its own schema
// (config `store.schema`): tokens, clients and keys survive a restart.
describe('the whole mesh on PostgreSQL (store.schema)', { timeout: 60_000 }, () => {
  const schema = testSchemaName('mesh_');
  const dataDir = tempDir('parley-pg-mesh-');
  let env: Mesh | undefined;

  afterAll(async () => {
    await env?.close();
    // The schema goes with the run's global teardown (dropTestSchemas).
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = (port = 0) =>
    startMesh({
      config: validateConfig({
        dataDir,
        server: { port },
        log: { level: 'silent' },
        store: { url: PG_URL, schema },
      }),
      mode: 'start',
      logger: silentLogger(),
    });
  const identityOf = (mesh: Mesh) => mesh.context.services.get('identity') as IdentityService;

  const authenticate = (mesh: Mesh, token: string) =>
    identityOf(mesh).authenticate(
      { method: 'GET', url: `${mesh.url}/mcp`, headers: { authorization: `Bearer ${token}` } },
      { url: `${mesh.url}/mcp` },
    );

  it('issues a token, verifies it, and still verifies it after a restart on the same schema', async () => {
    env = await start();
    const first = env;
    expect(first.context.store.dialect).toBe('postgres');
    const agent: CreatedAgent = await identityOf(first).createAgent({
      name: 'billing',
      authMethod: 'client_secret_basic',
    });
    const as = await discover(first.url);
    const client = { client_id: 'billing' };
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      client,
      oauth.ClientSecretBasic(agent.clientSecret ?? ''),
      { resource: `${first.url}/mcp` },
      insecure,
    );
    const { access_token: token } = await oauth.processClientCredentialsResponse(as, client, response);
    await expect(authenticate(first, token)).resolves.toMatchObject({ principal: { type: 'Agent', id: 'billing' } });

    const port = Number(new URL(first.url).port);
    await first.close();
    env = await start(port);
    expect(env.url).toBe(first.url);
    await expect(authenticate(env, token)).resolves.toMatchObject({ principal: { type: 'Agent', id: 'billing' } });

    // Everything lives in the schema the config named.
    const pgClient = new pg.Client({ connectionString: PG_URL });
    await pgClient.connect();
    const { rows } = await pgClient.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name LIKE 'identity_%'",
      [schema],
    );
    await pgClient.end();
    expect(rows.map((r: { table_name: string }) => r.table_name)).toEqual(
      expect.arrayContaining(['identity_principals', 'identity_signing_keys', 'identity_dpop_proofs']),
    );
  });
});
