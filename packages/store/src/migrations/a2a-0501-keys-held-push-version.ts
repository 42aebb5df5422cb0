import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('a2a_agent_keys')
    .addColumn('name', 'text', (col) => col.primaryKey())
    .addColumn('kid', 'text', (col) => col.notNull())
    .addColumn('private_jwk', 'text', (col) => col.notNull())
    .addColumn('source', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .execute();
  await db.schema
    .createTable('a2a_card_signatures')
    .addColumn('key_name', 'text', (col) => col.notNull())
    .addColumn('url', 'text', (col) => col.notNull())
    .addColumn('digest', 'text', (col) => col.notNull())
    .addColumn('signatures', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addPrimaryKeyConstraint('a2a_card_signatures_pk', ['key_name', 'url'])
    .execute();
  await db.schema
    .createTable('a2a_held_tasks')
    .addColumn('agent', 'text', (col) => col.notNull())
    .addColumn('task_id', 'text', (col) => col.notNull())
    .addColumn('approval_id', 'text', (col) => col.notNull())
    .addColumn('skill_id', 'text', (col) => col.notNull())
    .addColumn('caller', 'text', (col) => col.notNull())
    .addColumn('action', 'text', (col) => col.notNull())
    .addColumn('request', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addPrimaryKeyConstraint('a2a_held_tasks_pk', ['agent', 'task_id'])
    .execute();
  await db.schema.alterTable('a2a_agents').addColumn('pending_url', 'text').execute();
  await db.schema.alterTable('a2a_agents').addColumn('pending_key_source', 'text').execute();
  await db.schema
    .alterTable('a2a_push_configs')
    .addColumn('protocol_version', 'text', (col) => col.notNull().defaultTo('1.0'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('a2a_push_configs').dropColumn('protocol_version').execute();
  await db.schema.alterTable('a2a_agents').dropColumn('pending_key_source').execute();
  await db.schema.alterTable('a2a_agents').dropColumn('pending_url').execute();
  await db.schema.dropTable('a2a_held_tasks').ifExists().execute();
  await db.schema.dropTable('a2a_card_signatures').ifExists().execute();
  await db.schema.dropTable('a2a_agent_keys').ifExists().execute();
}
