import { z } from 'zod';

const epochOrDate = z.union([z.number().int().nonnegative(), z.string().min(1)]).transform((value, ctx) => {
  if (typeof value === 'number') return value;
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (Number.isNaN(ms)) {
    ctx.addIssue({ code: 'custom', message: 'must be an ISO 8601 time or epoch milliseconds' });
    return z.NEVER;
  }
  return ms;
});

/**
 * A search over the audit log: every filter narrows; newest first unless
 * `after` is given (then oldest first from there: tail --follow, export).
 */
export const auditQuerySchema = z.strictObject({
  principal: z.string().min(1).optional(),
  action: z.string().min(1).optional(),
  decision: z.enum(['allow', 'deny', 'approval-required']).optional(),
  outcome: z.string().min(1).optional(),
  kind: z.string().min(1).optional(),
  traceId: z.string().min(1).optional(),
  since: epochOrDate.optional(),
  until: epochOrDate.optional(),
  /** Entries with `seq` below this (paging newest first). */
  before: z.coerce.number().int().positive().optional(),
  /** Entries with `seq` above this, oldest first. */
  after: z.coerce.number().int().nonnegative().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export type AuditQuery = z.input<typeof auditQuerySchema>;
export type ParsedAuditQuery = z.output<typeof auditQuerySchema>;
