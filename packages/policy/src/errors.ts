import { ParleyError } from '@parley/core';
import type { PolicyProblem } from './source/policy-problem.ts';

/**
 * A policy set (files or stored policies) does not parse or does not validate
 * against Parley's Cedar schema; `problems` say where (`file:line:column`).
 */
export class PolicyInvalidError extends ParleyError {
  readonly problems: readonly PolicyProblem[];
  constructor(message: string, problems: readonly PolicyProblem[]) {
    super('ERR_POLICY_INVALID', message, { status: 400, publicMessage: message });
    this.problems = problems;
  }
}

/** A decision request could not be evaluated (malformed entity, Cedar failure). */
export class PolicyEvaluationError extends ParleyError {
  constructor(message: string, cause?: unknown) {
    super('ERR_POLICY_EVALUATION', message, { status: 500, cause });
  }
}

/** The approval exists but is not in a state that allows what was asked (already decided, expired). */
export class ApprovalStateError extends ParleyError {
  readonly state: string;
  constructor(message: string, state: string) {
    super('ERR_APPROVAL_STATE', message, { status: 409, publicMessage: message });
    this.state = state;
  }
}
