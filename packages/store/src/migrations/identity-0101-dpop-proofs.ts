import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('identity_dpop_proofs')
    .addColumn('key', 'text', (col) => col.primaryKey())
    .addColumn('expires_at', 'bigint', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('identity_dpop_proofs_expires').on('identity_dpop_proofs').column('expires_at').execute();
}
