import type { Migration } from 'kysely/migration';
import * as tables from './mcp-0400-tables.ts';
import * as userCredentials from './mcp-0401-user-credentials.ts';

/** The mcp part's migrations, one file each beside this one. */
export const mcpMigrations: Record<string, Migration> = {
  '0400-mcp-tables': tables,
  '0401-mcp-user-credentials': userCredentials,
};
