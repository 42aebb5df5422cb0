import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Store } from './store.ts';

/** A backend to run a store-backed test suite against. */
export interface TestStoreBackend {
  name: 'sqlite' | 'postgres';
  /** Opens a fresh, isolated, migrated store; `dispose` removes it. */
  open(): Promise<{ store: Store; url: string; schema?: string; dispose(): Promise<void> }>;
}

/**
 * SQLite in a temporary directory and PostgreSQL in a throw-away schema
 * (`PARLEY_TEST_DATABASE_URL`, default the local `test` database). Suites use
 * `describe.each(testStoreBackends())` so every store test runs on both.
 */
export function testStoreBackends(): TestStoreBackend[] {
  const pgUrl = process.env.PARLEY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  return [
    {
      name: 'sqlite',
      async open() {
        const dir = mkdtempSync(join(tmpdir(), 'parley-store-'));
        const url = `sqlite:${join(dir, 'parley.db')}`;
        const store = await Store.open({ url });
        return {
          store,
          url,
          async dispose() {
            await store.close();
            rmSync(dir, { recursive: true, force: true });
          },
        };
      },
    },
    {
      name: 'postgres',
      async open() {
        const schema = `parley_test_${randomBytes(6).toString('hex')}`;
        const store = await Store.open({ url: pgUrl, schema });
        return {
          store,
          url: pgUrl,
          schema,
          async dispose() {
            await store.close();
            const client = new pg.Client({ connectionString: pgUrl });
            await client.connect();
            try {
              await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
            } finally {
              await client.end();
            }
          },
        };
      },
    },
  ];
}
