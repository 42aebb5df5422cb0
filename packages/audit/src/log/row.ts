import type { Database } from '@parley/store';
import type { Insertable, Selectable } from 'kysely';
import type { AuditEntry } from './entry.ts';

type AuditLogRow = Selectable<Database['audit_log']>;

/** The stored row of an entry. */
export function entryToRow(entry: AuditEntry): Insertable<Database['audit_log']> {
  return {
    seq: entry.seq,
    id: entry.id,
    time: entry.time,
    kind: entry.kind,
    principal: entry.principal,
    on_behalf_of: entry.onBehalfOf,
    actor_chain: JSON.stringify(entry.actorChain),
    client_id: entry.clientId,
    protocol: entry.protocol,
    action: entry.action,
    resource: entry.resource,
    decision: entry.decision,
    policies: JSON.stringify(entry.policies),
    approval_id: entry.approvalId,
    args_digest: entry.argsDigest,
    outcome: entry.outcome,
    error: entry.error,
    latency_ms: entry.latencyMs,
    trace_id: entry.traceId,
    detail: JSON.stringify(entry.detail),
    prev_hash: entry.prevHash,
    hash: entry.hash,
  };
}

/** The entry a stored row holds; JSON columns that do not parse read as raw strings, so verify still flags them. */
export function rowToEntry(row: AuditLogRow): AuditEntry {
  return {
    seq: Number(row.seq),
    id: row.id,
    time: Number(row.time),
    kind: row.kind,
    principal: row.principal,
    onBehalfOf: row.on_behalf_of,
    actorChain: parseJson(row.actor_chain) as string[],
    clientId: row.client_id,
    protocol: row.protocol,
    action: row.action,
    resource: row.resource,
    decision: row.decision,
    policies: parseJson(row.policies) as string[],
    approvalId: row.approval_id,
    argsDigest: row.args_digest,
    outcome: row.outcome,
    error: row.error,
    latencyMs: row.latency_ms === null ? null : Number(row.latency_ms),
    traceId: row.trace_id,
    detail: parseJson(row.detail) as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
