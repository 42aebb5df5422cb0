import type { Migration } from 'kysely/migration';

/** The orchestrator part's migrations, one file each beside this one. */
export const orchestratorMigrations: Record<string, Migration> = {};
