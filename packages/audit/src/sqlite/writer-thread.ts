// The SQLite writer thread: its own connection to the store's file, so
// hashing, inserting and the synchronous fsync of each commit happen off the
// server's event loop. See sqlite-writer.ts.
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';
import type { AuditReceipt } from '../log/entry.ts';
import { chainEntries } from '../log/hash.ts';
import type { UnchainedEntry } from '../log/normalize.ts';
import { entryToRow } from '../log/row.ts';
import type { SpanRow } from '../tracing/span-row.ts';

/** What the thread is asked to write. */
export type WriteOp =
  | { readonly op: 'audit'; readonly batch: readonly UnchainedEntry[] }
  | { readonly op: 'spans'; readonly rows: readonly SpanRow[] }
  | { readonly op: 'prune-spans'; readonly cutoffUs: number; readonly maxSpans: number };
export type WriteRequest = WriteOp & { readonly id: number };
export type WriteReply =
  | { readonly id: number; readonly receipts: readonly AuditReceipt[]; readonly deleted?: number }
  | { readonly id: number; readonly error: string };

/** Spans deleted per transaction while pruning: each chunk holds the write lock for a few milliseconds. */
const PRUNE_CHUNK = 2000;

const db = new DatabaseSync((workerData as { path: string }).path, { timeout: 5000 });
// As the store's own connection: every acknowledged commit survives power loss.
db.exec('PRAGMA journal_mode = WAL');
db.exec('PRAGMA synchronous = FULL');
db.exec('PRAGMA busy_timeout = 5000');

type Inserter = (row: Readonly<Record<string, unknown>>) => void;

/**
 * An INSERT for the columns of the first row it is given, prepared once (the
 * row builders' keys are the one list of a table's columns).
 */
function inserter(table: string, suffix = ''): Inserter {
  let prepared: { readonly columns: readonly string[]; readonly statement: StatementSync } | undefined;
  return (row) => {
    if (!prepared) {
      const columns = Object.keys(row);
      const statement = db.prepare(
        `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})${suffix}`,
      );
      prepared = { columns, statement };
    }
    const { columns, statement } = prepared;
    statement.run(...columns.map((column) => (row[column] ?? null) as SQLInputValue));
  };
}

const insertEntry = inserter('audit_log');
// A span exported twice (a retried batch) is kept once.
const insertSpan = inserter('audit_spans', ' ON CONFLICT (trace_id, span_id) DO NOTHING');
const readHead = db.prepare('SELECT seq, hash FROM audit_chain_head WHERE id = 1');
const writeHead = db.prepare('UPDATE audit_chain_head SET seq = ?, hash = ? WHERE id = 1');

/** Runs `work` in one transaction holding the database's write lock, as `withChainHead` takes it on the main connection. */
function transaction<T>(work: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw error;
  }
}

function appendAudit(batch: readonly UnchainedEntry[]): AuditReceipt[] {
  return transaction(() => {
    const head = readHead.get() as { seq: number | bigint; hash: string } | undefined;
    if (!head) throw new Error('audit chain head row is missing (migration 0300 not applied?)');
    const chained = chainEntries(batch, { seq: Number(head.seq), hash: head.hash });
    for (const entry of chained.entries) insertEntry(entryToRow(entry));
    writeHead.run(chained.head.seq, chained.head.hash);
    return chained.entries.map((e) => ({ seq: e.seq, id: e.id, hash: e.hash }));
  });
}

function insertSpans(rows: readonly SpanRow[]): void {
  transaction(() => {
    for (const row of rows) insertSpan(row);
  });
}

// Prepared on first use, as the inserters are: a statement over a table that is missing fails, and at start it would stop the thread.
let pruning: { readonly newestBeyond: StatementSync; readonly deleteOldest: StatementSync } | undefined;

/**
 * Deletes spans that started before `cutoffUs`, and the oldest beyond the
 * newest `maxSpans`, a chunk per transaction, letting the messages that
 * arrived meanwhile (audit appends, span batches) run between chunks: one
 * DELETE of a busy minute's spans held the write lock for most of a second.
 */
async function pruneSpans(cutoffUs: number, maxSpans: number): Promise<number> {
  pruning ??= {
    newestBeyond: db.prepare('SELECT start_us FROM audit_spans ORDER BY start_us DESC LIMIT 1 OFFSET ?'),
    deleteOldest: db.prepare(
      'DELETE FROM audit_spans WHERE rowid IN (SELECT rowid FROM audit_spans WHERE start_us <= ? ORDER BY start_us LIMIT ?)',
    ),
  };
  const { newestBeyond, deleteOldest } = pruning;
  const beyond = newestBeyond.get(maxSpans) as { start_us: number | bigint } | undefined;
  // Everything at or before `last` goes: the aged, and the count's excess (ties at its edge included, as before).
  const last = beyond === undefined ? cutoffUs - 1 : Math.max(cutoffUs - 1, Number(beyond.start_us));
  let deleted = 0;
  for (;;) {
    const { changes } = transaction(() => deleteOldest.run(last, PRUNE_CHUNK));
    deleted += Number(changes);
    if (Number(changes) < PRUNE_CHUNK) return deleted;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function perform(request: WriteRequest): Promise<WriteReply> {
  switch (request.op) {
    case 'audit':
      return { id: request.id, receipts: appendAudit(request.batch) };
    case 'spans':
      insertSpans(request.rows);
      return { id: request.id, receipts: [] };
    case 'prune-spans':
      return { id: request.id, receipts: [], deleted: await pruneSpans(request.cutoffUs, request.maxSpans) };
  }
}

parentPort?.on('message', (request: WriteRequest) => {
  perform(request).then(
    (reply) => parentPort?.postMessage(reply),
    (error: unknown) =>
      parentPort?.postMessage({
        id: request.id,
        error: error instanceof Error ? error.message : String(error),
      } satisfies WriteReply),
  );
});
