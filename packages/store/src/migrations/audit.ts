import type { Migration } from 'kysely/migration';

/** The audit part's migrations, one file each beside this one. */
export const auditMigrations: Record<string, Migration> = {};
