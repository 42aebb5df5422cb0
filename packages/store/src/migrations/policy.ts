import type { Migration } from 'kysely/migration';

/** The policy part's migrations, one file each beside this one. */
export const policyMigrations: Record<string, Migration> = {};
