// Audit record throughput with group commit at 1, 10 and 100 concurrent
// writers, against plain single-row inserts (one transaction each) measured
// in the same run on the same backend: SQLite, then PostgreSQL if reachable.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog } from '@parley/audit';
import { Store } from '@parley/store';
import pg from 'pg';

const ENTRIES = Number(process.env.ENTRIES ?? 2000);
const PG_URL = process.env.PARLEY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

function entry(i: number) {
  return {
    kind: 'hop',
    principal: 'User::alice',
    action: 'tools/call',
    resource: `Tool::t${i}`,
    outcome: 'ok',
    arguments: { i },
  };
}

async function baseline(store: Store): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < ENTRIES; i++) {
    await store.db.transaction().execute((trx) =>
      trx
        .insertInto('parley_meta')
        .values({ key: `bench:${i}`, value: 'x', updated_at: i })
        .execute(),
    );
  }
  return ENTRIES / ((performance.now() - started) / 1000);
}

async function grouped(store: Store, writers: number): Promise<number> {
  const log = new AuditLog({ store });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (next < ENTRIES) await log.record(entry(next++));
    }),
  );
  return ENTRIES / ((performance.now() - started) / 1000);
}

async function run(name: string, open: () => Promise<{ store: Store; dispose: () => Promise<void> }>) {
  const { store, dispose } = await open();
  try {
    const base = await baseline(store);
    console.log(`${name}: ${ENTRIES} entries per run`);
    console.log(`  baseline single-row insert txns  ${base.toFixed(0).padStart(7)} rows/s`);
    for (const writers of [1, 10, 100]) {
      const rate = await grouped(store, writers);
      console.log(
        `  audit record, ${String(writers).padStart(3)} writers        ${rate.toFixed(0).padStart(7)} entries/s   ${(rate / base).toFixed(2)}x baseline`,
      );
    }
    const verifyStart = performance.now();
    const result = await new AuditLog({ store }).verify();
    const verifyMs = performance.now() - verifyStart;
    console.log(`  verify ${result.ok ? 'ok' : 'BROKEN'}: ${((ENTRIES * 3) / (verifyMs / 1000)).toFixed(0)} entries/s`);
  } finally {
    await dispose();
  }
}

await run('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-audit-'));
  const store = await Store.open({ url: `sqlite:${join(dir, 'parley.db')}` });
  return {
    store,
    dispose: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

const schema = `parley_bench_${randomBytes(4).toString('hex')}`;
try {
  await run('postgres', async () => {
    const store = await Store.open({ url: PG_URL, schema });
    return {
      store,
      dispose: async () => {
        await store.close();
        const client = new pg.Client({ connectionString: PG_URL });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await client.end();
      },
    };
  });
} catch (error) {
  console.log(`postgres: skipped (${(error as Error).message})`);
}
