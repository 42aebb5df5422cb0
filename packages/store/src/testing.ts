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
        const schema = testSchemaName();
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

/** Test runs older than this are over (or were killed): their schemas may go. */
const STALE_RUN_MS = 6 * 3600_000;

/**
 * The id of this test run (`PARLEY_TEST_RUN`, set by the run's global setup):
 * `r` and the run's start in base-36 seconds, so a later run can tell a stale
 * run's schemas from those of a run still going on beside it.
 */
export function newTestRunId(now = Date.now()): string {
  return `r${Math.floor(now / 1000).toString(36)}`;
}

/** A fresh schema name in this test run (`label` tells what made it). */
export function testSchemaName(label = ''): string {
  return `${TEST_SCHEMA_PREFIX}${process.env.PARLEY_TEST_RUN ?? 'adhoc'}_${label}${randomBytes(6).toString('hex')}`;
}

/**
 * Drops test schemas in the test database: those of `run` (at the end of a
 * run) and, with `stale`, those `doomedSchemas` calls stale (at the start).
 * A run going on beside this one, on the same database, keeps its schemas.
 */
export async function dropTestSchemas(options: {
  run: string;
  stale?: boolean;
  now?: number;
  url?: string;
}): Promise<number> {
  const url = options.url ?? process.env.PARLEY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ nspname: string }>(
      "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'parley\\_test\\_%'",
    );
    const doomed = doomedSchemas(
      rows.map((row) => row.nspname),
      { run: options.run, stale: options.stale ?? false, now: options.now ?? Date.now() },
    );
    for (const name of doomed) await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
    return doomed.length;
  } finally {
    await client.end();
  }
}

/**
 * Which of `names` go: `run`'s own and, with `stale`, those of runs started
 * more than six hours before `now` or named before runs had ids.
 */
export function doomedSchemas(
  names: readonly string[],
  options: { run: string; stale: boolean; now: number },
): string[] {
  return names.filter((name) => {
    if (!name.startsWith(TEST_SCHEMA_PREFIX)) return false;
    const run = /^parley_test_(r[0-9a-z]+)_/.exec(name)?.[1];
    if (run === options.run) return true;
    if (!options.stale) return false;
    if (run === undefined) return true;
    return options.now - Number.parseInt(run.slice(1), 36) * 1000 > STALE_RUN_MS;
  });
}
