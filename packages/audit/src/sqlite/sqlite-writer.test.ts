import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@parley/core';
import { Store } from '@parley/store';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../log/audit-log.ts';
import { SpanStore } from '../tracing/span-store.ts';
import type { StoredSpan } from '../tracing/stored-span.ts';
import { SqliteWriter, WRITER_THREAD_NAME } from './sqlite-writer.ts';

const clock = new ManualClock(Date.UTC(2026, 10, 23, 12));
const hop = (i: number) => ({ kind: 'hop', action: 'tools/call', resource: `Tool::t${i}`, outcome: 'ok' });

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0)) await step();
});

/** A store in a fresh SQLite file, removed after the test. */
async function openStore(): Promise<Store> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-writer-'));
  const store = await Store.open({ url: `sqlite:${join(dir, 'parley.db')}` });
  cleanup.push(
    () => store.close(),
    () => rmSync(dir, { recursive: true, force: true }),
  );
  return store;
}

describe('audit appends to a SQLite file from the writer thread', () => {
  async function open() {
    const store = await openStore();
    const log = new AuditLog({ store, clock });
    cleanup.unshift(() => log.close());
    return { store, log };
  }

  it('commits what the main connection then reads, in chain order', async () => {
    const { store, log } = await open();
    const receipts = await Promise.all([1, 2, 3].map((i) => log.record(hop(i))));
    expect(receipts.map((r) => r.seq)).toEqual([1, 2, 3]);
    const rows = await store.db.selectFrom('audit_log').select(['seq', 'resource']).orderBy('seq').execute();
    expect(rows).toEqual([1, 2, 3].map((i) => ({ seq: i, resource: `Tool::t${i}` })));
    expect(await log.verify()).toMatchObject({ ok: true, entries: 3 });
  });

  it.runIf(process.platform === 'linux')(
    'runs on an OS thread named parley-writer (for top -H and the bench)',
    async () => {
      const { log } = await open();
      const named = () =>
        readdirSync('/proc/self/task').filter((tid) => {
          try {
            return readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim() === WRITER_THREAD_NAME;
          } catch {
            return false;
          }
        }).length;
      const before = named();
      await log.record(hop(1));
      expect(named()).toBe(before + 1);
    },
  );

  it('fails the batch it could not commit, changes nothing, and appends again once the store is whole', async () => {
    const { store, log } = await open();
    await log.record(hop(1));
    await sql`ALTER TABLE audit_log RENAME TO audit_log_away`.execute(store.db);
    await expect(log.record(hop(2))).rejects.toMatchObject({ code: 'ERR_AUDIT_WRITE' });
    await sql`ALTER TABLE audit_log_away RENAME TO audit_log`.execute(store.db);
    expect(await log.record(hop(3))).toMatchObject({ seq: 2 });
    expect(await log.verify()).toMatchObject({ ok: true, entries: 2 });
  });

  it('flushes on close: everything acknowledged is in the file', async () => {
    const { store, log } = await open();
    const pending = Array.from({ length: 50 }, (_, i) => log.record(hop(i)));
    await log.close();
    await Promise.all(pending);
    const { count } = await store.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow();
    expect(Number(count)).toBe(50);
  });
});

describe('spans are stored from the writer thread', () => {
  const span = (spanId: string, name = `step ${spanId}`): StoredSpan => ({
    traceId: 'a'.repeat(32),
    spanId,
    parentSpanId: spanId === '0000000000000001' ? null : '0000000000000001',
    name,
    kind: 'internal',
    service: 'parley',
    startUs: clock.now() * 1000 + Number.parseInt(spanId, 16),
    endUs: clock.now() * 1000 + 100,
    status: { code: 'error', message: 'ERR_X' },
    attributes: { 'parley.step': 'decide', n: 1 },
    events: [{ name: 'exception', timeUs: clock.now() * 1000 + 5, attributes: { 'exception.type': 'ERR_X' } }],
  });

  it('shares one thread with the audit log: both land, and the main connection reads them back as written', async () => {
    const store = await openStore();
    const writer = SqliteWriter.forStore(store);
    const log = new AuditLog({ store, clock, writer });
    const spans = new SpanStore({ store, clock, writer });
    cleanup.unshift(
      () => log.close(),
      () => spans.close(),
      () => writer?.close(),
    );
    expect(writer).toBeInstanceOf(SqliteWriter);

    const written = [span('0000000000000001'), span('0000000000000002')];
    await Promise.all([spans.write(written), log.record(hop(1))]);
    // A batch exported again (a retried export) keeps the first copy.
    await spans.write([span('0000000000000002', 'renamed')]);

    expect(await spans.getTrace('a'.repeat(32))).toEqual(written);
    expect(await log.verify()).toMatchObject({ ok: true, entries: 1 });
  });

  it('fails a batch the file refuses, and stores the next', async () => {
    const store = await openStore();
    const spans = new SpanStore({ store, clock });
    cleanup.unshift(() => spans.close());
    await sql`ALTER TABLE audit_spans RENAME TO audit_spans_away`.execute(store.db);
    await expect(spans.write([span('0000000000000001')])).rejects.toMatchObject({ code: 'ERR_AUDIT_WRITE' });
    await sql`ALTER TABLE audit_spans_away RENAME TO audit_spans`.execute(store.db);
    await spans.write([span('0000000000000002')]);
    expect((await spans.getTrace('a'.repeat(32))).map((s) => s.spanId)).toEqual(['0000000000000002']);
  });
});
