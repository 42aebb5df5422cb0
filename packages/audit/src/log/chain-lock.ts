import type { Database, Store } from '@parley/store';
import { type Kysely, sql, type Transaction } from 'kysely';

/** The chain head as of the lock: the last entry's `seq` and `hash`. */
export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
}

/**
 * Runs `append` in one transaction that holds the chain head exclusively, so
 * appends from any number of writers, processes or replicas stay one linear
 * chain. PostgreSQL: `SELECT … FOR UPDATE` on the head row. SQLite:
 * `BEGIN IMMEDIATE`, which takes the database's write lock up front (a
 * deferred transaction could read a head another process then moves).
 */
export async function withChainHead<T>(
  store: Store,
  append: (db: Kysely<Database>, head: ChainHead) => Promise<{ result: T; head: ChainHead }>,
): Promise<T> {
  if (store.dialect === 'postgres') {
    return store.db.transaction().execute(async (trx: Transaction<Database>) => {
      const head = await sql<ChainHead>`SELECT seq, hash FROM audit_chain_head WHERE id = 1 FOR UPDATE`.execute(trx);
      const { result, head: next } = await append(trx, toHead(head.rows[0]));
      await trx.updateTable('audit_chain_head').set({ seq: next.seq, hash: next.hash }).where('id', '=', 1).execute();
      return result;
    });
  }
  return store.db.connection().execute(async (conn) => {
    await sql`BEGIN IMMEDIATE`.execute(conn);
    try {
      const head = await conn.selectFrom('audit_chain_head').select(['seq', 'hash']).where('id', '=', 1).execute();
      const { result, head: next } = await append(conn, toHead(head[0]));
      await conn.updateTable('audit_chain_head').set({ seq: next.seq, hash: next.hash }).where('id', '=', 1).execute();
      await sql`COMMIT`.execute(conn);
      return result;
    } catch (error) {
      await sql`ROLLBACK`.execute(conn).catch(() => {});
      throw error;
    }
  });
}

function toHead(row: { seq: number | string; hash: string } | undefined): ChainHead {
  if (!row) throw new Error('audit chain head row is missing (migration 0300 not applied?)');
  return { seq: Number(row.seq), hash: row.hash };
}
