/**
 * One unit of delegated work: a message for one agent's skill. `dependsOn`
 * names subtasks whose artifacts this one receives as inputs; it starts only
 * after they completed.
 */
export interface Subtask {
  readonly id: string;
  readonly agent: string;
  readonly skill: string;
  /** The text sent to the agent (the inputs' artifacts are appended when sent). */
  readonly instruction: string;
  readonly dependsOn: readonly string[];
  /** A short label for progress views, e.g. the sub-request it came from. */
  readonly title?: string;
}

/** A part of the request no agent was found for; reported in the answer, never dropped. */
export interface UnassignedRequest {
  readonly text: string;
  readonly reason: string;
}

/** A plan: a DAG of subtasks, plus what could not be assigned. */
export interface Plan {
  readonly subtasks: readonly Subtask[];
  readonly unassigned: readonly UnassignedRequest[];
  /** Which planner made it. */
  readonly planner: 'offline' | 'model';
}
