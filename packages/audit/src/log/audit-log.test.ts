import { ManualClock } from '@parley/core';
import { Store, testStoreBackends } from '@parley/store';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditLog } from './audit-log.ts';
import type { AuditEntryInput } from './entry.ts';

const clock = new ManualClock(Date.UTC(2026, 10, 23, 12));

function entry(i: number, extra: Partial<AuditEntryInput> = {}): AuditEntryInput {
  return {
    kind: 'hop',
    principal: i % 2 === 0 ? 'User::alice' : 'Agent::scheduler',
    actorChain: i % 2 === 0 ? [] : ['concierge'],
    action: i % 3 === 0 ? 'tools/call' : 'SendMessage',
    resource: `Tool::calendar.slot${i}`,
    decision: i % 5 === 0 ? 'deny' : 'allow',
    policies: ['policy0'],
    arguments: { i },
    outcome: i % 5 === 0 ? 'denied' : 'ok',
    latencyMs: i,
    traceId: i.toString(16).padStart(32, '0'),
    ...extra,
  };
}

describe.each(testStoreBackends())('audit log on $name', (backend) => {
  const disposers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const dispose of disposers.splice(0)) await dispose();
  });
  async function fresh(count = 0) {
    const opened = await backend.open();
    disposers.push(opened.dispose);
    const log = new AuditLog({ store: opened.store, clock });
    for (let i = 1; i <= count; i++) await log.record(entry(i));
    return { ...opened, log };
  }

  it('chains what it records and verifies the chain', async () => {
    const { log } = await fresh();
    const first = await log.record(entry(1));
    const second = await log.record(entry(2));
    expect([first.seq, second.seq]).toEqual([1, 2]);
    const [a, b] = await log.tail(2);
    expect(b?.prevHash).toBe(a?.hash);
    expect(a?.argsDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(a)).not.toContain('"arguments"');
    expect(await log.verify()).toEqual({ ok: true, entries: 2, headSeq: 2, headHash: second.hash });
  });

  it('refuses an invalid entry without breaking the chain', async () => {
    const { log } = await fresh(2);
    await expect(log.record({ kind: 'hop', action: '', outcome: 'ok' })).rejects.toMatchObject({
      code: 'ERR_AUDIT_INVALID_ENTRY',
    });
    expect((await log.verify()).ok).toBe(true);
  });

  it('detects an edited entry', async () => {
    const { log, store } = await fresh(5);
    await store.db.updateTable('audit_log').set({ decision: 'allow', outcome: 'ok' }).where('seq', '=', 5).execute();
    expect(await log.verify()).toMatchObject({ ok: false, brokenAt: 5, reason: 'hash-mismatch' });
  });

  it('detects an edit to a JSON column', async () => {
    const { log, store } = await fresh(4);
    await store.db.updateTable('audit_log').set({ actor_chain: '[]' }).where('seq', '=', 3).execute();
    expect(await log.verify()).toMatchObject({ ok: false, brokenAt: 3, reason: 'hash-mismatch' });
  });

  it('detects a deleted entry in the middle and at the end', async () => {
    const { log, store } = await fresh(6);
    await store.db.deleteFrom('audit_log').where('seq', '=', 3).execute();
    expect(await log.verify()).toMatchObject({ ok: false, brokenAt: 3, reason: 'missing-entry' });

    const other = await fresh(6);
    await other.store.db.deleteFrom('audit_log').where('seq', '=', 6).execute();
    expect(await other.log.verify()).toMatchObject({ ok: false, brokenAt: 6, reason: 'head-mismatch' });
  });

  it('detects a deletion that renumbers the rest', async () => {
    const { log, store } = await fresh(5);
    await store.db.deleteFrom('audit_log').where('seq', '=', 2).execute();
    for (const seq of [3, 4, 5]) {
      await store.db
        .updateTable('audit_log')
        .set({ seq: seq - 1 })
        .where('seq', '=', seq)
        .execute();
    }
    await store.db.updateTable('audit_chain_head').set({ seq: 4 }).where('id', '=', 1).execute();
    expect(await log.verify()).toMatchObject({ ok: false, brokenAt: 2 });
  });

  it('detects reordered entries', async () => {
    const { log, store } = await fresh(5);
    // Swap entries 2 and 4 by their sequence numbers.
    await store.db.updateTable('audit_log').set({ seq: 1000 }).where('seq', '=', 2).execute();
    await store.db.updateTable('audit_log').set({ seq: 2 }).where('seq', '=', 4).execute();
    await store.db.updateTable('audit_log').set({ seq: 4 }).where('seq', '=', 1000).execute();
    expect(await log.verify()).toMatchObject({ ok: false, brokenAt: 2 });
  });

  it('detects an entry inserted with a forged hash', async () => {
    const { log, store } = await fresh(3);
    const [last] = await log.tail(1);
    if (!last) throw new Error('no entry');
    const forged = { ...last, seq: 4, id: 'forged', prev_hash: last.prevHash };
    await store.db
      .insertInto('audit_log')
      .values({
        seq: forged.seq,
        id: forged.id,
        time: last.time,
        kind: last.kind,
        principal: 'User::mallory',
        on_behalf_of: null,
        actor_chain: '[]',
        client_id: null,
        protocol: null,
        action: last.action,
        resource: null,
        decision: 'allow',
        policies: '[]',
        approval_id: null,
        args_digest: null,
        outcome: 'ok',
        error: null,
        latency_ms: 1,
        trace_id: null,
        detail: '{}',
        prev_hash: 'f'.repeat(64),
        hash: 'e'.repeat(64),
      })
      .execute();
    await store.db
      .updateTable('audit_chain_head')
      .set({ seq: 4, hash: 'e'.repeat(64) })
      .where('id', '=', 1)
      .execute();
    expect(await log.verify()).toMatchObject({ ok: false, brokenAt: 4, reason: 'hash-mismatch' });
  });

  it('keeps one valid chain with many concurrent writers on separate connections', async () => {
    const { log, url, schema } = await fresh();
    const second = await Store.open({ url, schema });
    disposers.unshift(() => second.close());
    const other = new AuditLog({ store: second, clock });
    const receipts = await Promise.all(
      Array.from({ length: 120 }, (_, i) => (i % 2 === 0 ? log : other).record(entry(i + 1))),
    );
    expect(new Set(receipts.map((r) => r.seq)).size).toBe(120);
    expect(Math.max(...receipts.map((r) => r.seq))).toBe(120);
    expect(await log.verify()).toMatchObject({ ok: true, entries: 120 });
  });

  it('searches by principal, action, decision, time and trace', async () => {
    const { log } = await fresh();
    for (let i = 1; i <= 10; i++) {
      clock.set(Date.UTC(2026, 10, 23, 12, i));
      await log.record(entry(i));
    }
    const alice = await log.search({ principal: 'alice' });
    expect(alice.map((e) => e.seq)).toEqual([10, 8, 6, 4, 2]);
    expect((await log.search({ principal: 'User::alice', decision: 'deny' })).map((e) => e.seq)).toEqual([10]);
    expect((await log.search({ action: 'tools/call' })).map((e) => e.seq)).toEqual([9, 6, 3]);
    const window = await log.search({
      since: new Date(Date.UTC(2026, 10, 23, 12, 3)).toISOString(),
      until: Date.UTC(2026, 10, 23, 12, 5),
    });
    expect(window.map((e) => e.seq)).toEqual([4, 3]);
    expect((await log.search({ traceId: (7).toString(16).padStart(32, '0') })).map((e) => e.seq)).toEqual([7]);
    expect((await log.search({ after: 8 })).map((e) => e.seq)).toEqual([9, 10]);
    expect((await log.search({ principal: 'nobody' })).length).toBe(0);
    await expect(log.search({ since: 'yesterday-ish' })).rejects.toMatchObject({ code: 'ERR_AUDIT_INVALID_QUERY' });
  });

  it('never stores raw secrets', async () => {
    const { log, store } = await fresh();
    const jwt = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlc2lnbmF0dXJl';
    await log.record(
      entry(1, {
        arguments: { password: 'hunter2-very-secret' },
        error: `upstream refused Bearer ${jwt} with api_key=sk-live-abcdefghijklmnop`,
        detail: { clientSecret: 'topsecretvalue', note: `token ${jwt}` },
      }),
    );
    const raw = await sql<Record<string, unknown>>`SELECT * FROM audit_log`.execute(store.db);
    const text = JSON.stringify(raw.rows);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain(jwt);
    expect(text).not.toContain('sk-live-abcdefghijklmnop');
    expect(text).not.toContain('topsecretvalue');
    expect(text).toContain('[redacted]');
    expect((await log.verify()).ok).toBe(true);
  });
});
