/** A policy that failed to evaluate for a request (wrong argument type, missing attribute). */
export interface EvaluationProblem {
  readonly policyId: string;
  readonly message: string;
}

/**
 * The engine's answer. Deny by default; a satisfied `forbid` wins; a
 * determining `permit` annotated `@approval("required")` makes it
 * `approval-required`. `policies` are the determining policy ids, for the
 * audit log and the trace.
 * @see https://docs.cedarpolicy.com/auth/authorization.html
 */
export type PolicyDecision =
  | { readonly code: 'allow'; readonly policies: readonly string[]; readonly errors: readonly EvaluationProblem[] }
  | {
      readonly code: 'approval-required';
      readonly policies: readonly string[];
      /** The determining permits that ask for approval. */
      readonly approvalPolicies: readonly string[];
      readonly errors: readonly EvaluationProblem[];
    }
  | {
      readonly code: 'deny';
      /**
       * `no-permit`: no permit applies (deny by default); `forbidden`: a forbid
       * applies; `forbid-failed`: a forbid could not be evaluated, and Parley
       * fails closed where Cedar would skip it.
       */
      readonly reason: 'no-permit' | 'forbidden' | 'forbid-failed';
      readonly policies: readonly string[];
      readonly errors: readonly EvaluationProblem[];
    };

/** A human-readable reason for a deny, for `GuardDecision.reason` and the CLI. */
export function denyReason(decision: Extract<PolicyDecision, { code: 'deny' }>): string {
  switch (decision.reason) {
    case 'no-permit':
      return 'no policy permits this action';
    case 'forbidden':
      return `forbidden by ${decision.policies.join(', ')}`;
    case 'forbid-failed':
      return `a forbid policy could not be evaluated (${decision.policies.join(', ')})`;
  }
}
