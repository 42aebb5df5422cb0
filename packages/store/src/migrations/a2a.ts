import type { Migration } from 'kysely/migration';
import * as tables from './a2a-0500-tables.ts';
import * as keysHeldPushVersion from './a2a-0501-keys-held-push-version.ts';

/** The a2a part's migrations, one file each beside this one. */
export const a2aMigrations: Record<string, Migration> = {
  '0500-a2a-tables': tables,
  '0501-a2a-keys-held-push-version': keysHeldPushVersion,
};
