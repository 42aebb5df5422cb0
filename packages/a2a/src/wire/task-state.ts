/**
 * The task lifecycle states of A2A 1.0, as they appear on the wire.
 * @see https://a2a-protocol.org/v1.0.0/specification/#413-taskstate
 */
export const TaskState = {
  Submitted: 'TASK_STATE_SUBMITTED',
  Working: 'TASK_STATE_WORKING',
  Completed: 'TASK_STATE_COMPLETED',
  Failed: 'TASK_STATE_FAILED',
  Canceled: 'TASK_STATE_CANCELED',
  InputRequired: 'TASK_STATE_INPUT_REQUIRED',
  Rejected: 'TASK_STATE_REJECTED',
  AuthRequired: 'TASK_STATE_AUTH_REQUIRED',
} as const;

export type TaskState = (typeof TaskState)[keyof typeof TaskState];

export const TASK_STATES: readonly TaskState[] = Object.values(TaskState);

const TERMINAL: ReadonlySet<TaskState> = new Set([
  TaskState.Completed,
  TaskState.Failed,
  TaskState.Canceled,
  TaskState.Rejected,
]);

/** A terminal task never changes again. */
export function isTerminalState(state: TaskState): boolean {
  return TERMINAL.has(state);
}

/** Interrupted states wait for the client (input) or a human (authorization). */
export function isInterruptedState(state: TaskState): boolean {
  return state === TaskState.InputRequired || state === TaskState.AuthRequired;
}

/** A stream or a blocking SendMessage ends at a terminal or interrupted state. */
export function isFinalForStream(state: TaskState): boolean {
  return isTerminalState(state) || isInterruptedState(state);
}
