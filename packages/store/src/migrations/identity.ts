import type { Migration } from 'kysely/migration';

/** The identity part's migrations, one file each beside this one. */
export const identityMigrations: Record<string, Migration> = {};
