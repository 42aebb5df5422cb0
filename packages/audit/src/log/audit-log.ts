import { type Clock, type HopRecord, systemClock } from '@parley/core';
import type { Database, Store } from '@parley/store';
import type { SelectQueryBuilder } from 'kysely';
import { AuditError } from '../errors.ts';
import { SqliteWriter } from '../sqlite/sqlite-writer.ts';
import { withChainHead } from './chain-lock.ts';
import type { AuditEntry, AuditEntryInput, AuditReceipt } from './entry.ts';
import { hopToEntry } from './from-hop.ts';
import { GroupCommit } from './group-commit.ts';
import { chainEntries } from './hash.ts';
import { normalizeEntry, normalizeOwnEntry, type UnchainedEntry } from './normalize.ts';
import { type AuditQuery, auditQuerySchema, type ParsedAuditQuery } from './query.ts';
import { entryToRow, rowToEntry } from './row.ts';
import { type VerifyResult, verifyChain } from './verify.ts';

export interface AuditLogOptions {
  store: Store;
  clock?: Clock;
  /** Most entries committed in one transaction (default 500). */
  maxBatch?: number;
  /** Called after each committed batch with the entries' kinds (metrics). */
  onCommit?: (kinds: readonly string[]) => void;
  /** Called after each committed batch with the chain's new last `seq` (to announce it: AUDIT_APPENDED_TOPIC). */
  onAppended?: (lastSeq: number) => void;
  /**
   * The writer thread of the store's SQLite file, shared with the span store
   * (closed by whoever made it); by default the log makes and closes its own.
   */
  writer?: SqliteWriter | undefined;
}

/** Bus topic announcing committed entries, payload `{seq}` (the last one): followers read what is new. */
export const AUDIT_APPENDED_TOPIC = 'audit.appended';

/** Rows per multi-row INSERT (SQLite bounds bound parameters). */
const INSERT_CHUNK = 200;
const PAGE = 1000;

/**
 * The hash-chained, append-only audit log. `record` resolves once the entry is
 * durably committed; concurrent records share one transaction (group commit).
 * @see DESIGN.md "The request pipeline" (record step)
 */
export class AuditLog {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #commits: GroupCommit<UnchainedEntry, AuditReceipt>;
  readonly #onCommit: ((kinds: readonly string[]) => void) | undefined;
  readonly #onAppended: ((lastSeq: number) => void) | undefined;
  /** SQLite files are appended to from a writer thread; PostgreSQL (asynchronous already) and in-memory SQLite here. */
  readonly #writer: SqliteWriter | undefined;
  readonly #ownsWriter: boolean;

  constructor(options: AuditLogOptions) {
    this.#store = options.store;
    this.#ownsWriter = options.writer === undefined;
    this.#writer = options.writer ?? SqliteWriter.forStore(options.store);
    this.#clock = options.clock ?? systemClock;
    this.#onCommit = options.onCommit;
    this.#onAppended = options.onAppended;
    this.#commits = new GroupCommit((batch) => this.#append(batch), { maxBatch: options.maxBatch ?? 500 });
  }

  /** Appends one entry (any kind); resolves with its place in the chain once durable. */
  record(entry: AuditEntryInput): Promise<AuditReceipt> {
    return this.#submit(() => normalizeEntry(entry, this.#clock));
  }

  /** Appends the entry for one pipeline hop (the pipeline's `record` step). */
  recordHop(hop: HopRecord, traceId?: string): Promise<AuditReceipt> {
    return this.#submit(() => normalizeOwnEntry(hopToEntry(hop, traceId), this.#clock));
  }

  /** Queues the entry `normalize` makes for the next commit; a refused entry rejects without queueing. */
  #submit(normalize: () => UnchainedEntry): Promise<AuditReceipt> {
    let normalized: UnchainedEntry;
    try {
      normalized = normalize();
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#commits.submit(normalized);
  }

  /** Entries matching `query`: newest first, or oldest first after `query.after`. */
  async search(query: AuditQuery = {}): Promise<AuditEntry[]> {
    const parsed = auditQuerySchema.safeParse(query);
    if (!parsed.success) {
      const where = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw new AuditError('ERR_AUDIT_INVALID_QUERY', `invalid audit query: ${where}`, { status: 400 });
    }
    const q = parsed.data;
    let select = applyFilters(this.#store.db.selectFrom('audit_log').selectAll(), q);
    select =
      q.after === undefined ? select.orderBy('seq', 'desc') : select.where('seq', '>', q.after).orderBy('seq', 'asc');
    const rows = await select.limit(q.limit).execute();
    return rows.map(rowToEntry);
  }

  /** The last `n` entries, oldest first. */
  async tail(n = 20): Promise<AuditEntry[]> {
    const rows = await this.#store.db
      .selectFrom('audit_log')
      .selectAll()
      .orderBy('seq', 'desc')
      .limit(Math.max(1, Math.min(n, 1000)))
      .execute();
    return rows.reverse().map(rowToEntry);
  }

  /** Every entry in chain order, read page by page. */
  async *entries(options: { after?: number } = {}): AsyncGenerator<AuditEntry> {
    let after = options.after ?? 0;
    for (;;) {
      const rows = await this.#store.db
        .selectFrom('audit_log')
        .selectAll()
        .where('seq', '>', after)
        .orderBy('seq', 'asc')
        .limit(PAGE)
        .execute();
      for (const row of rows) yield rowToEntry(row);
      const last = rows.at(-1);
      if (!last || rows.length < PAGE) return;
      after = Number(last.seq);
    }
  }

  /** How many entries the chain head says there are. */
  async count(): Promise<number> {
    return (await this.#head()).seq;
  }

  /** Walks the whole chain and names the first broken link. */
  async verify(): Promise<VerifyResult> {
    return verifyChain(this.entries(), await this.#head());
  }

  /** Resolves once every record submitted so far is committed. */
  flush(): Promise<void> {
    return this.#commits.flush();
  }

  /** Refuses new records and waits for queued ones. */
  async close(): Promise<void> {
    await this.#commits.close();
    if (this.#ownsWriter) await this.#writer?.close();
  }

  async #head() {
    const row = await this.#store.db
      .selectFrom('audit_chain_head')
      .select(['seq', 'hash'])
      .where('id', '=', 1)
      .executeTakeFirst();
    if (!row) throw new AuditError('ERR_AUDIT_NO_LOG', 'the audit chain head is missing');
    return { seq: Number(row.seq), hash: row.hash };
  }

  async #append(batch: readonly UnchainedEntry[]): Promise<AuditReceipt[]> {
    const receipts = await this.#appendChained(batch);
    this.#onCommit?.(batch.map((e) => e.kind));
    const last = receipts.at(-1);
    if (last) this.#onAppended?.(last.seq);
    return receipts;
  }

  #appendChained(batch: readonly UnchainedEntry[]): Promise<AuditReceipt[]> {
    if (this.#writer) return this.#writer.appendAudit(batch);
    return withChainHead(this.#store, async (db, head) => {
      const { entries: chained, head: next } = chainEntries(batch, head);
      for (let i = 0; i < chained.length; i += INSERT_CHUNK) {
        await db
          .insertInto('audit_log')
          .values(chained.slice(i, i + INSERT_CHUNK).map(entryToRow))
          .execute();
      }
      return {
        result: chained.map((e) => ({ seq: e.seq, id: e.id, hash: e.hash })),
        head: next,
      };
    });
  }
}

function applyFilters<O>(
  select: SelectQueryBuilder<Database, 'audit_log', O>,
  q: ParsedAuditQuery,
): SelectQueryBuilder<Database, 'audit_log', O> {
  let s = select;
  if (q.principal !== undefined) {
    const p = q.principal;
    s = p.includes('::')
      ? s.where((eb) => eb.or([eb('principal', '=', p), eb('on_behalf_of', '=', p)]))
      : s.where((eb) => eb.or([eb('principal', 'like', `%::${p}`), eb('on_behalf_of', 'like', `%::${p}`)]));
  }
  if (q.action !== undefined) s = s.where('action', '=', q.action);
  if (q.decision !== undefined) s = s.where('decision', '=', q.decision);
  if (q.outcome !== undefined) s = s.where('outcome', '=', q.outcome);
  if (q.kind !== undefined) s = s.where('kind', '=', q.kind);
  if (q.traceId !== undefined) s = s.where('trace_id', '=', q.traceId);
  if (q.since !== undefined) s = s.where('time', '>=', q.since);
  if (q.until !== undefined) s = s.where('time', '<', q.until);
  if (q.before !== undefined) s = s.where('seq', '<', q.before);
  return s;
}
