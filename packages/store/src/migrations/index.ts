import type { Migration } from 'kysely/migration';
import * as meta from './0001-meta.ts';

/**
 * Every migration, by name. Names sort in the order they must run; each part
 * owns a range: 00xx foundation, 01xx identity, 02xx policy, 03xx audit,
 * 04xx mcp, 05xx a2a, 06xx orchestrator.
 */
export const migrations: Record<string, Migration> = {
  '0001-meta': meta,
};
