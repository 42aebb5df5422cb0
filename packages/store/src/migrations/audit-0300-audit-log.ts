import type { Kysely } from 'kysely';

const GENESIS_HASH = '0'.repeat(64);

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('audit_log')
    .addColumn('seq', 'bigint', (col) => col.primaryKey())
    .addColumn('id', 'text', (col) => col.notNull().unique())
    .addColumn('time', 'bigint', (col) => col.notNull())
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('principal', 'text')
    .addColumn('on_behalf_of', 'text')
    .addColumn('actor_chain', 'text', (col) => col.notNull())
    .addColumn('client_id', 'text')
    .addColumn('protocol', 'text')
    .addColumn('action', 'text', (col) => col.notNull())
    .addColumn('resource', 'text')
    .addColumn('decision', 'text')
    .addColumn('policies', 'text', (col) => col.notNull())
    .addColumn('approval_id', 'text')
    .addColumn('args_digest', 'text')
    .addColumn('outcome', 'text', (col) => col.notNull())
    .addColumn('error', 'text')
    .addColumn('latency_ms', 'integer')
    .addColumn('trace_id', 'text')
    .addColumn('detail', 'text', (col) => col.notNull())
    .addColumn('prev_hash', 'text', (col) => col.notNull())
    .addColumn('hash', 'text', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('audit_log_time').on('audit_log').column('time').execute();
  await db.schema.createIndex('audit_log_principal').on('audit_log').columns(['principal', 'seq']).execute();
  await db.schema.createIndex('audit_log_trace').on('audit_log').column('trace_id').execute();
  await db.schema
    .createTable('audit_chain_head')
    .addColumn('id', 'integer', (col) => col.primaryKey())
    .addColumn('seq', 'bigint', (col) => col.notNull())
    .addColumn('hash', 'text', (col) => col.notNull())
    .execute();
  await db
    .insertInto('audit_chain_head' as never)
    .values({ id: 1, seq: 0, hash: GENESIS_HASH } as never)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('audit_chain_head').execute();
  await db.schema.dropTable('audit_log').execute();
}
