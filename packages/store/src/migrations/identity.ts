import type { Migration } from 'kysely/migration';
import * as tables from './identity-0100-tables.ts';

/** The identity part's migrations, one file each beside this one. */
export const identityMigrations: Record<string, Migration> = {
  '0100-identity-tables': tables,
};
