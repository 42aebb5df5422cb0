import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('mcp_servers')
    .addColumn('name', 'text', (col) => col.primaryKey())
    .addColumn('definition', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .execute();
  await db.schema
    .createTable('mcp_tool_pins')
    .addColumn('server', 'text', (col) => col.notNull())
    .addColumn('tool', 'text', (col) => col.notNull())
    .addColumn('digest', 'text', (col) => col.notNull())
    .addColumn('definition', 'text', (col) => col.notNull())
    .addColumn('pending_digest', 'text')
    .addColumn('pending_definition', 'text')
    .addColumn('pinned_at', 'bigint', (col) => col.notNull())
    .addColumn('changed_at', 'bigint')
    .addPrimaryKeyConstraint('mcp_tool_pins_pk', ['server', 'tool'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('mcp_tool_pins').execute();
  await db.schema.dropTable('mcp_servers').execute();
}
