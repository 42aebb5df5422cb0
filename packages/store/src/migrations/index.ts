import type { Migration } from 'kysely/migration';
import * as meta from './0001-meta.ts';
import { a2aMigrations } from './a2a.ts';
import { auditMigrations } from './audit.ts';
import { identityMigrations } from './identity.ts';
import { mcpMigrations } from './mcp.ts';
import { orchestratorMigrations } from './orchestrator.ts';
import { policyMigrations } from './policy.ts';

/**
 * Every migration, by name. Names sort in the order they must run; each part
 * owns a range: 00xx foundation, 01xx identity, 02xx policy, 03xx audit,
 * 04xx mcp, 05xx a2a, 06xx orchestrator.
 */
export const migrations: Record<string, Migration> = {
  '0001-meta': meta,
  ...identityMigrations,
  ...policyMigrations,
  ...auditMigrations,
  ...mcpMigrations,
  ...a2aMigrations,
  ...orchestratorMigrations,
};
