import type { Migration } from 'kysely/migration';

/** The a2a part's migrations, one file each beside this one. */
export const a2aMigrations: Record<string, Migration> = {};
