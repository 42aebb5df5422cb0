import type { Migration } from 'kysely/migration';
import * as auditLog from './audit-0300-audit-log.ts';
import * as spans from './audit-0301-spans.ts';

/** The audit part's migrations, one file each beside this one. */
export const auditMigrations: Record<string, Migration> = {
  '0300-audit-log': auditLog,
  '0301-audit-spans': spans,
};
