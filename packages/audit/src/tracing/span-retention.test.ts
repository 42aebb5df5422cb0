import { ManualClock } from '@parley/core';
import { type TestStoreBackend, testStoreBackends } from '@parley/store';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../log/audit-log.ts';
import { SqliteWriter } from '../sqlite/sqlite-writer.ts';
import { SpanStore } from './span-store.ts';
import type { StoredSpan } from './stored-span.ts';

const DAY_MS = 24 * 3600_000;
const clock = new ManualClock(Date.UTC(2026, 10, 24, 12));

/** A span of its own trace that started `agoMs` before the clock's now (plus `n` µs, so start times differ). */
function span(n: number, agoMs: number): StoredSpan {
  const startUs = (clock.now() - agoMs) * 1000 + n;
  return {
    traceId: n.toString(16).padStart(32, '0'),
    spanId: n.toString(16).padStart(16, '0'),
    parentSpanId: null,
    name: `span ${n}`,
    kind: 'internal',
    service: 'parley',
    startUs,
    endUs: startUs + 10,
    status: { code: 'unset' },
    attributes: {},
    events: [],
  };
}

async function storedNames(spans: SpanStore): Promise<string[]> {
  const traces = await spans.listTraces({ limit: 500 });
  return traces.map((t) => t.root ?? '').sort((a, b) => Number(a.split(' ')[1]) - Number(b.split(' ')[1]));
}

type OpenedTestStore = Awaited<ReturnType<TestStoreBackend['open']>>;

describe.each(testStoreBackends())('span retention on $name', (backend) => {
  let opened: OpenedTestStore | undefined;
  const closing: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closing.splice(0)) await close();
    await opened?.dispose();
    opened = undefined;
  });

  async function open(maxSpans: number) {
    opened = await backend.open();
    const writer = SqliteWriter.forStore(opened.store);
    const spans = new SpanStore({ store: opened.store, clock, retentionMs: DAY_MS, maxSpans, writer });
    const log = new AuditLog({ store: opened.store, clock, writer });
    closing.push(
      () => log.close(),
      () => spans.close(),
      async () => writer?.close(),
    );
    return { spans, log, writer };
  }

  it('drops spans past the retention age, then the oldest beyond the count, and keeps the newest', async () => {
    const { spans } = await open(4);
    const aged = [1, 2].map((n) => span(n, DAY_MS + 60_000));
    const recent = [3, 4, 5, 6, 7, 8].map((n) => span(n, 60_000 - n));
    await spans.write([...aged, ...recent]);

    expect(await spans.prune()).toBe(4);
    expect(await storedNames(spans)).toEqual(['span 5', 'span 6', 'span 7', 'span 8']);
    // Nothing left to drop: a second prune is a no-op.
    expect(await spans.prune()).toBe(0);
    expect(await storedNames(spans)).toHaveLength(4);
  });

  it('keeps everything while under both bounds', async () => {
    const { spans } = await open(10);
    await spans.write([1, 2, 3].map((n) => span(n, 1000)));
    expect(await spans.prune()).toBe(0);
    expect(await storedNames(spans)).toEqual(['span 1', 'span 2', 'span 3']);
  });

  it.runIf(backend.name === 'sqlite')(
    'prunes a large excess in short transactions: an audit append sent after it is committed before it ends',
    async () => {
      const { spans, log, writer } = await open(10);
      expect(writer).toBeInstanceOf(SqliteWriter);
      const excess = 12_000;
      for (let i = 0; i < excess + 10; i += 2000) {
        await spans.write(Array.from({ length: Math.min(2000, excess + 10 - i) }, (_, j) => span(i + j, 1000)));
      }

      const finished: string[] = [];
      await Promise.all([
        spans.prune().then((deleted) => finished.push(`prune ${deleted}`)),
        log.record({ kind: 'hop', action: 'tools/call', resource: 'Tool::t', outcome: 'ok' }).then(() => {
          finished.push('audit');
        }),
      ]);

      expect(finished).toEqual(['audit', `prune ${excess}`]);
      expect(await log.verify()).toMatchObject({ ok: true, entries: 1 });
      expect((await spans.listTraces({ limit: 500 })).length).toBe(10);
    },
  );
});
