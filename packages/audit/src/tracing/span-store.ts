import type { Clock } from '@parley/core';
import { systemClock } from '@parley/core';
import type { Database, Store } from '@parley/store';
import { type Selectable, sql } from 'kysely';
import { SqliteWriter } from '../sqlite/sqlite-writer.ts';
import { spanToRow } from './span-row.ts';
import { SPAN_KINDS, STATUS_CODES, type StoredSpan, type TraceSummary } from './stored-span.ts';

export interface SpanStoreOptions {
  store: Store;
  clock?: Clock;
  /** Spans older than this are dropped (ms, default 7 days). */
  retentionMs?: number;
  /** At most this many spans are kept (default 100 000). */
  maxSpans?: number;
  /**
   * The writer thread of the store's SQLite file, shared with the audit log
   * (closed by whoever made it); by default the span store makes and closes its own.
   */
  writer?: SqliteWriter | undefined;
}

const INSERT_CHUNK = 200;

/**
 * The embedded span store: finished spans in a store table, bounded by age and
 * count, serving `parley traces show` and the console even without a collector.
 */
export class SpanStore {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #retentionMs: number;
  readonly #maxSpans: number;
  /** SQLite files are written from a writer thread; PostgreSQL and in-memory SQLite here. */
  readonly #writer: SqliteWriter | undefined;
  readonly #ownsWriter: boolean;

  constructor(options: SpanStoreOptions) {
    this.#store = options.store;
    this.#clock = options.clock ?? systemClock;
    this.#retentionMs = options.retentionMs ?? 7 * 24 * 3600_000;
    this.#maxSpans = options.maxSpans ?? 100_000;
    this.#ownsWriter = options.writer === undefined;
    this.#writer = options.writer ?? SqliteWriter.forStore(options.store);
  }

  /** Stores a batch of finished spans (one transaction). */
  async write(spans: readonly StoredSpan[]): Promise<void> {
    if (spans.length === 0) return;
    if (this.#writer) return this.#writer.insertSpans(spans.map(spanToRow));
    await this.#store.db.transaction().execute(async (trx) => {
      for (let i = 0; i < spans.length; i += INSERT_CHUNK) {
        await trx
          .insertInto('audit_spans')
          .values(spans.slice(i, i + INSERT_CHUNK).map(spanToRow))
          .onConflict((oc) => oc.columns(['trace_id', 'span_id']).doNothing())
          .execute();
      }
    });
  }

  /** Every span of one trace, in start order; empty when unknown. */
  async getTrace(traceId: string): Promise<StoredSpan[]> {
    const rows = await this.#store.db
      .selectFrom('audit_spans')
      .selectAll()
      .where('trace_id', '=', traceId.toLowerCase())
      .orderBy('start_us', 'asc')
      .execute();
    return rows.map(fromRow);
  }

  /** The most recent traces, newest first. */
  async listTraces(
    options: { limit?: number; since?: number; traceIds?: readonly string[] } = {},
  ): Promise<TraceSummary[]> {
    const limit = Math.max(1, Math.min(options.limit ?? 50, 500));
    if (options.traceIds?.length === 0) return [];
    let query = this.#store.db
      .selectFrom('audit_spans')
      .select((eb) => [
        'trace_id',
        eb.fn.min('start_us').as('start_us'),
        eb.fn.max('end_us').as('end_us'),
        eb.fn.countAll().as('spans'),
        eb.fn.sum(sql<number>`CASE WHEN status_code = 2 THEN 1 ELSE 0 END`).as('errors'),
      ])
      .groupBy('trace_id');
    if (options.since !== undefined) query = query.where('start_us', '>=', options.since * 1000);
    if (options.traceIds) query = query.where('trace_id', 'in', [...options.traceIds]);
    const groups = await query.orderBy('start_us', 'desc').limit(limit).execute();
    if (groups.length === 0) return [];
    const roots = await this.#store.db
      .selectFrom('audit_spans')
      .select(['trace_id', 'name', 'service', 'start_us'])
      .where(
        'trace_id',
        'in',
        groups.map((g) => g.trace_id),
      )
      .where('parent_span_id', 'is', null)
      .orderBy('start_us', 'asc')
      .execute();
    return groups.map((g) => {
      const root = roots.find((r) => r.trace_id === g.trace_id);
      const start = Number(g.start_us);
      return {
        traceId: g.trace_id,
        root: root?.name ?? null,
        service: root?.service ?? null,
        startUs: start,
        durationMs: (Number(g.end_us) - start) / 1000,
        spans: Number(g.spans),
        errors: Number(g.errors ?? 0),
      };
    });
  }

  /** Stops the writer thread, if the span store made its own. */
  async close(): Promise<void> {
    if (this.#ownsWriter) await this.#writer?.close();
  }

  /** Drops spans past the retention age, then the oldest beyond `maxSpans`; returns how many went. */
  async prune(): Promise<number> {
    const cutoffUs = Math.ceil((this.#clock.now() - this.#retentionMs) * 1000);
    // On the writer thread in chunks: node:sqlite is synchronous, and one DELETE of a busy minute's spans here stalled every request for most of a second.
    if (this.#writer) return this.#writer.pruneSpans(cutoffUs, this.#maxSpans);
    const aged = await this.#store.db.deleteFrom('audit_spans').where('start_us', '<', cutoffUs).executeTakeFirst();
    const keepFrom = await this.#store.db
      .selectFrom('audit_spans')
      .select('start_us')
      .orderBy('start_us', 'desc')
      .limit(1)
      .offset(this.#maxSpans)
      .executeTakeFirst();
    let excess = 0n;
    if (keepFrom) {
      const result = await this.#store.db
        .deleteFrom('audit_spans')
        .where('start_us', '<=', Number(keepFrom.start_us))
        .executeTakeFirst();
      excess = result.numDeletedRows;
    }
    return Number(aged.numDeletedRows + excess);
  }
}

function fromRow(row: Selectable<Database['audit_spans']>): StoredSpan {
  const message = row.status_message;
  return {
    traceId: row.trace_id,
    spanId: row.span_id,
    parentSpanId: row.parent_span_id,
    name: row.name,
    kind: SPAN_KINDS[row.kind] ?? 'internal',
    service: row.service,
    startUs: Number(row.start_us),
    endUs: Number(row.end_us),
    status: { code: STATUS_CODES[row.status_code] ?? 'unset', ...(message ? { message } : {}) },
    attributes: JSON.parse(row.attributes) as Record<string, unknown>,
    events: JSON.parse(row.events) as StoredSpan['events'],
  };
}
