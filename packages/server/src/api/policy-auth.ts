import { ForbiddenError } from '@parley/core';
import { denyReason, type PolicyDecision } from '@parley/policy';

/** Throws 403 unless the decision allows. */
export function requireAllowed(decision: PolicyDecision, what: string): void {
  if (decision.code === 'allow') return;
  const reason = decision.code === 'deny' ? denyReason(decision) : 'approval is not supported here';
  throw new ForbiddenError(`${what}: ${reason}`, decision.policies);
}
