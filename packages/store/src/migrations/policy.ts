import type { Migration } from 'kysely/migration';
import * as policyTables from './policy-0200-policy-tables.ts';
import * as approvalRequester from './policy-0201-approval-requester.ts';

/** The policy part's migrations, one file each beside this one. */
export const policyMigrations: Record<string, Migration> = {
  '0200-policy-tables': policyTables,
  '0201-approval-requester': approvalRequester,
};
