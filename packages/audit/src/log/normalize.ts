import { type Clock, uuidv7 } from '@parley/core';
import type { z } from 'zod';
import { AuditError } from '../errors.ts';
import { type AuditEntry, type AuditEntryInput, auditEntryInputSchema } from './entry.ts';
import { digestArguments } from './hash.ts';
import { redactText, redactValue } from './redact.ts';

/** An entry ready to be chained: everything but `seq`, `prevHash` and `hash`. */
export type UnchainedEntry = Omit<AuditEntry, 'seq' | 'prevHash' | 'hash'>;

/**
 * Validates an entry and makes it safe to keep: arguments become a digest,
 * free text and detail are redacted, values become exactly what a JSON round
 * trip through the store gives back (so the hash verifies after reading).
 */
export function normalizeEntry(input: unknown, clock: Clock): UnchainedEntry {
  const parsed = auditEntryInputSchema.safeParse(input);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(entry)'}: ${i.message}`).join('; ');
    throw new AuditError('ERR_AUDIT_INVALID_ENTRY', `invalid audit entry: ${where}`, { status: 400 });
  }
  return normalizeParsed(parsed.data, clock);
}

/**
 * The same for an entry Parley built itself (a pipeline hop): typed by
 * construction, so the schema pass (a third of recording a hop) is skipped.
 * Its strings are not length-checked: refusing an over-long tool name would
 * lose the entry of a call that happened.
 */
export function normalizeOwnEntry(input: AuditEntryInput, clock: Clock): UnchainedEntry {
  return normalizeParsed(
    { ...input, actorChain: input.actorChain ?? [], policies: input.policies ?? [], detail: input.detail ?? {} },
    clock,
  );
}

function normalizeParsed(e: z.output<typeof auditEntryInputSchema>, clock: Clock): UnchainedEntry {
  const detail = JSON.parse(JSON.stringify(redactValue(e.detail) ?? {})) as Record<string, unknown>;
  return {
    id: uuidv7(),
    time: Math.trunc(e.time ?? clock.now()),
    kind: e.kind,
    principal: e.principal ?? null,
    onBehalfOf: e.onBehalfOf ?? null,
    actorChain: [...e.actorChain],
    clientId: e.clientId ?? null,
    protocol: e.protocol ?? null,
    action: e.action,
    resource: e.resource ?? null,
    decision: e.decision ?? null,
    policies: [...e.policies],
    approvalId: e.approvalId ?? null,
    argsDigest: e.argsDigest ?? digestArguments(e.arguments) ?? null,
    outcome: e.outcome,
    error: e.error === undefined ? null : redactText(e.error),
    latencyMs: e.latencyMs === undefined ? null : Math.round(e.latencyMs),
    traceId: e.traceId ?? null,
    detail,
  };
}
