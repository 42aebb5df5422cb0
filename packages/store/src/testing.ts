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
        const schema = `${TEST_SCHEMA_PREFIX}${randomBytes(6).toString('hex')}`;
        const store = await Store.open({ url: pgUrl, schema });
        return {
          store,
          url: pgUrl,
          schema,
          // The schema is dropped by dropTestSchemas() once the run is over:
          // dropping it now races other tests' migrations, whose catalog
          // introspection spans every schema.
          async dispose() {
            await store.close();
          },
        };
      },
    },
  ];
}

/** Prefix of every schema the test backends create. */
export const TEST_SCHEMA_PREFIX = 'parley_test_';

/**
 * Drops every test schema (`parley_test_*`) in the test database; the test
 * run's global setup calls it before and after the run.
 */
export async function dropTestSchemas(
  url = process.env.PARLEY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ nspname: string }>(
      "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'parley\\_test\\_%'",
    );
    for (const { nspname } of rows) await client.query(`DROP SCHEMA IF EXISTS "${nspname}" CASCADE`);
    return rows.length;
  } finally {
    await client.end();
  }
}
