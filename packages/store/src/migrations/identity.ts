import type { Migration } from 'kysely/migration';
import * as tables from './identity-0100-tables.ts';
import * as dpopProofs from './identity-0101-dpop-proofs.ts';

/** The identity part's migrations, one file each beside this one. */
export const identityMigrations: Record<string, Migration> = {
  '0100-identity-tables': tables,
  '0101-identity-dpop-proofs': dpopProofs,
};
