import type { Migration } from 'kysely/migration';

/** The mcp part's migrations, one file each beside this one. */
export const mcpMigrations: Record<string, Migration> = {};
