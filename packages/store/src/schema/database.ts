import type { A2aTables } from './a2a.ts';
import type { AuditTables } from './audit.ts';
import type { IdentityTables } from './identity.ts';
import type { McpTables } from './mcp.ts';
import type { MetaTable } from './meta.ts';
import type { OrchestratorTables } from './orchestrator.ts';
import type { PolicyTables } from './policy.ts';

/**
 * Every table Parley keeps, by name. Each part declares its tables in
 * `schema/<part>.ts` and its migrations in `migrations/<part>.ts`, so one typed
 * Kysely instance serves them all. Portable column types only: text, integer
 * (booleans as 0/1), bigint epoch milliseconds, JSON as text.
 */
export interface Database extends IdentityTables, PolicyTables, AuditTables, McpTables, A2aTables, OrchestratorTables {
  parley_meta: MetaTable;
}
