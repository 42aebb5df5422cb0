import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('audit_spans')
    .addColumn('trace_id', 'text', (col) => col.notNull())
    .addColumn('span_id', 'text', (col) => col.notNull())
    .addColumn('parent_span_id', 'text')
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('kind', 'integer', (col) => col.notNull())
    .addColumn('service', 'text', (col) => col.notNull())
    .addColumn('start_us', 'bigint', (col) => col.notNull())
    .addColumn('end_us', 'bigint', (col) => col.notNull())
    .addColumn('status_code', 'integer', (col) => col.notNull())
    .addColumn('status_message', 'text')
    .addColumn('attributes', 'text', (col) => col.notNull())
    .addColumn('events', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('audit_spans_pk', ['trace_id', 'span_id'])
    .execute();
  await db.schema.createIndex('audit_spans_start').on('audit_spans').column('start_us').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('audit_spans').execute();
}
