// The SQLite audit appender's thread: its own connection to the store's file,
// so hashing, inserting and the synchronous fsync of each commit happen off
// the server's event loop. See sqlite-appender.ts.
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';
import type { AuditReceipt } from './entry.ts';
import { chainEntries } from './hash.ts';
import type { UnchainedEntry } from './normalize.ts';
import { entryToRow } from './row.ts';

export interface AppendRequest {
  readonly id: number;
  readonly batch: readonly UnchainedEntry[];
}
export type AppendReply =
  | { readonly id: number; readonly receipts: readonly AuditReceipt[] }
  | { readonly id: number; readonly error: string };

const db = new DatabaseSync((workerData as { path: string }).path, { timeout: 5000 });
// As the store's own connection: every acknowledged commit survives power loss.
db.exec('PRAGMA journal_mode = WAL');
db.exec('PRAGMA synchronous = FULL');
db.exec('PRAGMA busy_timeout = 5000');

/** The INSERT for `entryToRow`'s columns, prepared on first use (its keys are the one list of them). */
let insert: { readonly columns: readonly string[]; readonly statement: StatementSync } | undefined;
function insertRow(row: Record<string, unknown>): void {
  if (!insert) {
    const columns = Object.keys(row);
    const statement = db.prepare(
      `INSERT INTO audit_log (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
    );
    insert = { columns, statement };
  }
  insert.statement.run(...insert.columns.map((column) => (row[column] ?? null) as SQLInputValue));
}

const readHead = db.prepare('SELECT seq, hash FROM audit_chain_head WHERE id = 1');
const writeHead = db.prepare('UPDATE audit_chain_head SET seq = ?, hash = ? WHERE id = 1');

/** One transaction holding the database's write lock, as `withChainHead` takes it on the main connection. */
function append(batch: readonly UnchainedEntry[]): AuditReceipt[] {
  db.exec('BEGIN IMMEDIATE');
  try {
    const head = readHead.get() as { seq: number | bigint; hash: string } | undefined;
    if (!head) throw new Error('audit chain head row is missing (migration 0300 not applied?)');
    const chained = chainEntries(batch, { seq: Number(head.seq), hash: head.hash });
    for (const entry of chained.entries) insertRow(entryToRow(entry));
    writeHead.run(chained.head.seq, chained.head.hash);
    db.exec('COMMIT');
    return chained.entries.map((e) => ({ seq: e.seq, id: e.id, hash: e.hash }));
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw error;
  }
}

parentPort?.on('message', ({ id, batch }: AppendRequest) => {
  let reply: AppendReply;
  try {
    reply = { id, receipts: append(batch) };
  } catch (error) {
    reply = { id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(reply);
});
