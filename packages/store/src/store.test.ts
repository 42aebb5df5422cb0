import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from './store.ts';
import { testStoreBackends } from './testing.ts';

const burstWriter = fileURLToPath(new URL('./testing/burst-writer.ts', import.meta.url));

describe.each(testStoreBackends())('store on $name', (backend) => {
  const disposers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const dispose of disposers.splice(0)) await dispose();
  });
  async function fresh() {
    const opened = await backend.open();
    disposers.push(opened.dispose);
    return opened;
  }

  it('migrates once and records the migrations it ran', async () => {
    const { store } = await fresh();
    expect(await store.migrate()).toEqual([]);
    const tables = await store.db.introspection.getTables();
    expect(tables.map((t) => t.name)).toContain('parley_meta');
  });

  it('keeps what it acknowledged across a reopen', async () => {
    const { store, url, schema } = await fresh();
    await store.setMeta('issuer', 'http://127.0.0.1:7070');
    await store.setMeta('issuer', 'http://127.0.0.1:7071');
    await store.close();
    const reopened = await Store.open({ url, schema });
    disposers.unshift(async () => reopened.close());
    expect(await reopened.getMeta('issuer')).toBe('http://127.0.0.1:7071');
    expect(await reopened.getMeta('missing')).toBeUndefined();
  });

  it('ensureMeta keeps the first value even when raced', async () => {
    const { store } = await fresh();
    const values = await Promise.all(
      Array.from({ length: 8 }, (_, i) => store.ensureMeta('instance', () => `candidate-${i}`)),
    );
    expect(new Set(values).size).toBe(1);
    expect(await store.getMeta('instance')).toBe(values[0]);
  });

  it('rolls back a failed transaction completely', async () => {
    const { store } = await fresh();
    await expect(
      store.db.transaction().execute(async (trx) => {
        await trx.insertInto('parley_meta').values({ key: 'a', value: '1', updated_at: 1 }).execute();
        await trx.insertInto('parley_meta').values({ key: 'a', value: '2', updated_at: 2 }).execute();
      }),
    ).rejects.toThrow();
    expect(await store.getMeta('a')).toBeUndefined();
  });

  it('reads back 64-bit epoch milliseconds as numbers', async () => {
    const { store } = await fresh();
    const at = Date.UTC(2026, 10, 23, 12, 0, 0, 123);
    await store.db.insertInto('parley_meta').values({ key: 't', value: 'x', updated_at: at }).execute();
    const row = await store.db.selectFrom('parley_meta').selectAll().where('key', '=', 't').executeTakeFirstOrThrow();
    expect(row.updated_at).toBe(at);
  });

  it('keeps every acknowledged write after kill -9 during a burst', async () => {
    const { store, url, schema } = await fresh();
    await store.close();
    const child = spawn(process.execPath, [burstWriter, url, schema ?? ''], { stdio: ['ignore', 'pipe', 'inherit'] });
    const acked: string[] = [];
    let buffered = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${acked.length} acks before timeout`)), 20_000);
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) if (line.startsWith('ack ')) acked.push(line.slice(4));
        if (acked.length >= 200 && child.exitCode === null && !child.killed) {
          child.kill('SIGKILL');
          clearTimeout(timer);
          resolve();
        }
      });
      child.on('exit', (code, signal) => {
        if (signal !== 'SIGKILL') reject(new Error(`writer exited early: ${code}`));
      });
    });
    await new Promise((resolve) => child.once('close', resolve));

    const reopened = await Store.open({ url, schema });
    disposers.unshift(async () => reopened.close());
    if (reopened.dialect === 'sqlite') {
      const check = await sql<{ integrity_check: string }>`PRAGMA integrity_check`.execute(reopened.db);
      expect(check.rows[0]?.integrity_check).toBe('ok');
    }
    const rows = await reopened.db.selectFrom('parley_meta').select('key').where('key', 'like', 'burst:%').execute();
    const present = new Set(rows.map((r) => r.key));
    const lost = acked.filter((key) => !present.has(key));
    expect(acked.length).toBeGreaterThanOrEqual(200);
    expect(lost).toEqual([]);
  });
});
