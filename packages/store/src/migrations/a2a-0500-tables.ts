import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('a2a_tasks')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('agent', 'text', (col) => col.notNull())
    .addColumn('owner', 'text', (col) => col.notNull())
    .addColumn('context_id', 'text', (col) => col.notNull())
    .addColumn('state', 'text', (col) => col.notNull())
    .addColumn('task', 'text', (col) => col.notNull())
    .addColumn('seq', 'bigint', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('a2a_tasks_owner').on('a2a_tasks').columns(['agent', 'owner', 'updated_at']).execute();
  await db.schema
    .createTable('a2a_push_configs')
    .addColumn('agent', 'text', (col) => col.notNull())
    .addColumn('task_id', 'text', (col) => col.notNull())
    .addColumn('id', 'text', (col) => col.notNull())
    .addColumn('owner', 'text', (col) => col.notNull())
    .addColumn('config', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addPrimaryKeyConstraint('a2a_push_configs_pk', ['agent', 'task_id', 'id'])
    .execute();
  await db.schema
    .createTable('a2a_push_deliveries')
    .addColumn('jti', 'text', (col) => col.primaryKey())
    .addColumn('agent', 'text', (col) => col.notNull())
    .addColumn('task_id', 'text', (col) => col.notNull())
    .addColumn('config_id', 'text', (col) => col.notNull())
    .addColumn('seq', 'bigint', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('attempts', 'integer', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .addUniqueConstraint('a2a_push_deliveries_event', ['agent', 'task_id', 'config_id', 'seq'])
    .execute();
  await db.schema
    .createTable('a2a_agents')
    .addColumn('name', 'text', (col) => col.primaryKey())
    .addColumn('url', 'text', (col) => col.notNull())
    .addColumn('card', 'text', (col) => col.notNull())
    .addColumn('card_digest', 'text', (col) => col.notNull())
    .addColumn('jwks', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('pending_card', 'text')
    .addColumn('pending_jwks', 'text')
    .addColumn('held_reason', 'text')
    .addColumn('key_source', 'text', (col) => col.notNull())
    .addColumn('fetched_at', 'bigint', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .execute();
  await db.schema
    .createTable('a2a_remote_tasks')
    .addColumn('agent', 'text', (col) => col.notNull())
    .addColumn('task_id', 'text', (col) => col.notNull())
    .addColumn('owner', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addPrimaryKeyConstraint('a2a_remote_tasks_pk', ['agent', 'task_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['a2a_remote_tasks', 'a2a_agents', 'a2a_push_deliveries', 'a2a_push_configs', 'a2a_tasks']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
