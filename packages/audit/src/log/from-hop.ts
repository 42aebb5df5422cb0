import type { EntityRef, HopRecord } from '@parley/core';
import { AUDIT_KINDS, type AuditEntryInput } from './entry.ts';

/** `Type::id`, the way Cedar writes an entity. */
export function entityName(ref: EntityRef | undefined): string | undefined {
  return ref ? `${ref.type}::${ref.id}` : undefined;
}

/**
 * The audit entry for one pipeline hop: who (principal, on whose behalf,
 * actor chain, client), what (action on resource, argument digest), the
 * decision with its determining policies and approval, and how it ended.
 * @see DESIGN.md "The request pipeline" (record step)
 */
export function hopToEntry(hop: HopRecord, traceId?: string): AuditEntryInput {
  const { caller, action, decision } = hop;
  const approvalId =
    decision?.effect === 'approval-required'
      ? decision.approval.id
      : decision?.effect === 'allow'
        ? decision.approvalId
        : undefined;
  const detail: Record<string, unknown> = { audience: action.audience };
  if (action.sourceIp) detail.sourceIp = action.sourceIp;
  if (action.parents && action.parents.length > 0) detail.parents = action.parents.map((p) => entityName(p));
  if (decision?.effect === 'deny') detail.reason = decision.reason;
  if (caller) {
    detail.credential = caller.credential;
    detail.credentialId = caller.credentialId;
  }
  return {
    kind: AUDIT_KINDS.hop,
    ...(caller ? { principal: entityName(caller.principal) } : {}),
    ...(caller?.onBehalfOf ? { onBehalfOf: entityName(caller.onBehalfOf) } : {}),
    actorChain: caller ? [...caller.actorChain] : [],
    ...(caller?.clientId ? { clientId: caller.clientId } : {}),
    protocol: action.protocol,
    action: action.action,
    resource: entityName(action.resource),
    ...(decision ? { decision: decision.effect, policies: [...decision.policies] } : {}),
    ...(approvalId ? { approvalId } : {}),
    ...(action.arguments ? { arguments: { ...action.arguments } } : {}),
    outcome: hop.outcome,
    ...(hop.error ? { error: hop.error } : {}),
    latencyMs: hop.latencyMs,
    ...(traceId ? { traceId } : {}),
    detail,
  };
}
