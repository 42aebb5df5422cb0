import { type Issue, ParleyError } from '@parley/core';

/** Stable codes of the orchestrator's own errors. */
export type OrchestratorErrorCode =
  | 'ERR_ORCH_PLAN_INVALID'
  | 'ERR_ORCH_PLAN_EMPTY'
  | 'ERR_ORCH_NO_AGENTS'
  | 'ERR_ORCH_MODEL_CONFIG'
  | 'ERR_ORCH_MODEL_FAILED'
  | 'ERR_ORCH_SUBTASK_TIMEOUT'
  | 'ERR_ORCH_SUBTASK_FAILED'
  | 'ERR_ORCH_CANCELED'
  | 'ERR_ORCH_FAILED';

/**
 * An error raised by the orchestrator (planning, model, execution). `issues`
 * lists a rejected plan's problems by path (`subtasks[2].dependsOn[0]`).
 */
export class OrchestratorError extends ParleyError {
  readonly issues: readonly Issue[];
  constructor(
    code: OrchestratorErrorCode,
    message: string,
    options: { issues?: readonly Issue[]; cause?: unknown; status?: number } = {},
  ) {
    super(code, message, { status: options.status ?? 502, publicMessage: message, cause: options.cause });
    this.issues = options.issues ?? [];
  }
}
