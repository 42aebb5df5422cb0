import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@parley/core';
import { Store } from '@parley/store';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditLog } from './audit-log.ts';

const clock = new ManualClock(Date.UTC(2026, 10, 23, 12));
const hop = (i: number) => ({ kind: 'hop', action: 'tools/call', resource: `Tool::t${i}`, outcome: 'ok' });

describe('audit appends to a SQLite file from the writer thread', () => {
  const cleanup: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0)) await step();
  });
  async function open() {
    const dir = mkdtempSync(join(tmpdir(), 'parley-appender-'));
    const store = await Store.open({ url: `sqlite:${join(dir, 'parley.db')}` });
    const log = new AuditLog({ store, clock });
    cleanup.push(
      () => log.close(),
      () => store.close(),
      () => rmSync(dir, { recursive: true, force: true }),
    );
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
