import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('policy_documents')
    .addColumn('name', 'text', (col) => col.primaryKey())
    .addColumn('text', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .addColumn('updated_by', 'text')
    .execute();
  await db.schema
    .createTable('policy_approvals')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('state', 'text', (col) => col.notNull())
    .addColumn('principal', 'text', (col) => col.notNull())
    .addColumn('actor_chain', 'text', (col) => col.notNull())
    .addColumn('action', 'text', (col) => col.notNull())
    .addColumn('resource', 'text', (col) => col.notNull())
    .addColumn('on_behalf_of', 'text')
    .addColumn('arguments_digest', 'text', (col) => col.notNull())
    .addColumn('arguments', 'text', (col) => col.notNull())
    .addColumn('policies', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('expires_at', 'bigint', (col) => col.notNull())
    .addColumn('decided_at', 'bigint')
    .addColumn('decided_by', 'text')
    .addColumn('consumed_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('policy_approvals_state_expires')
    .on('policy_approvals')
    .columns(['state', 'expires_at'])
    .execute();
  await db.schema.createIndex('policy_approvals_created').on('policy_approvals').column('created_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('policy_approvals').execute();
  await db.schema.dropTable('policy_documents').execute();
}
