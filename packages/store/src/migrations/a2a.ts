import type { Migration } from 'kysely/migration';
import * as tables from './a2a-0500-tables.ts';

/** The a2a part's migrations, one file each beside this one. */
export const a2aMigrations: Record<string, Migration> = {
  '0500-a2a-tables': tables,
};
