import type { EvaluationProblem, PolicyDecision } from '../engine/decision.ts';
import { denyReason } from '../engine/decision.ts';
import type { PolicyEngine } from '../engine/policy-engine.ts';

/** One determining policy, with where it is written. */
export interface DeterminingPolicy {
  readonly id: string;
  readonly effect: 'permit' | 'forbid';
  readonly source: string;
  readonly line: number;
  readonly annotations: Readonly<Record<string, string>>;
}

/** A decision explained for people (`parley policy test`, the console's tester). */
export interface Explanation {
  readonly decision: PolicyDecision['code'];
  readonly allowed: boolean;
  readonly approvalRequired: boolean;
  readonly reason: string;
  readonly determining: readonly DeterminingPolicy[];
  readonly errors: readonly EvaluationProblem[];
}

/** Renders an engine decision with each determining policy's source and line. */
export function explainDecision(engine: PolicyEngine, decision: PolicyDecision): Explanation {
  const determining = decision.policies.map((id): DeterminingPolicy => {
    const policy = engine.policy(id);
    return {
      id,
      effect: policy?.effect ?? 'permit',
      source: policy?.source ?? '?',
      line: policy?.line ?? 0,
      annotations: policy?.annotations ?? {},
    };
  });
  const reason =
    decision.code === 'deny'
      ? denyReason(decision)
      : decision.code === 'approval-required'
        ? `permitted once a human approves (${decision.approvalPolicies.join(', ')})`
        : `permitted by ${decision.policies.join(', ')}`;
  return {
    decision: decision.code,
    allowed: decision.code === 'allow',
    approvalRequired: decision.code === 'approval-required',
    reason,
    determining,
    errors: decision.errors,
  };
}
