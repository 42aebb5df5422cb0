import type { Plan, UnassignedRequest } from '../plan/plan.ts';
import type { Artifact, TaskState } from '../ports/a2a-shapes.ts';
import type { ApprovalRef } from '../ports/subtask-runner.ts';

/** How a subtask ended. `skipped`: never sent, because a dependency did not complete. */
export type SubtaskStatus = 'completed' | 'failed' | 'rejected' | 'canceled' | 'skipped';

/** The end of one subtask, as the final answer and the progress view report it. */
export interface SubtaskOutcome {
  readonly subtaskId: string;
  readonly agent: string;
  readonly skill: string;
  readonly title: string;
  readonly status: SubtaskStatus;
  /** Why it did not complete, in words a user can act on. */
  readonly reason?: string;
  readonly artifacts: readonly Artifact[];
  readonly attempts: number;
  /** The remote A2A task of the last attempt, when one was created. */
  readonly taskId?: string;
}

/** The ask's end state, in A2A terms: completed only when every part of the request was done. */
export type AskState = 'TASK_STATE_COMPLETED' | 'TASK_STATE_FAILED' | 'TASK_STATE_CANCELED';

/** The result of one ask: its state, the final answer, and what each subtask did. */
export interface AskResult {
  readonly askId: string;
  readonly state: AskState;
  readonly answer: string;
  readonly plan: Plan | undefined;
  readonly outcomes: readonly SubtaskOutcome[];
  readonly unassigned: readonly UnassignedRequest[];
  /** Set when the ask failed as a whole (no agents, invalid plan, model error). */
  readonly error?: { readonly code: string; readonly message: string };
}

interface SubtaskRef {
  readonly subtaskId: string;
  readonly agent: string;
}

/**
 * The orchestrator's progress stream: what the CLI renders live and the
 * concierge maps to A2A status updates. Every event carries `at` (epoch ms).
 */
export type ProgressEvent = { readonly askId: string; readonly at: number } & (
  | { readonly type: 'plan-created'; readonly plan: Plan }
  | ({ readonly type: 'subtask-started'; readonly skill: string; readonly attempt: number } & SubtaskRef)
  | ({ readonly type: 'subtask-status'; readonly state: TaskState; readonly message?: string } & SubtaskRef)
  | ({ readonly type: 'subtask-artifact'; readonly artifact: Artifact } & SubtaskRef)
  | ({ readonly type: 'approval-required'; readonly approval: ApprovalRef; readonly message?: string } & SubtaskRef)
  | ({ readonly type: 'input-required'; readonly question: string } & SubtaskRef)
  | ({ readonly type: 'subtask-retrying'; readonly attempt: number; readonly reason: string } & SubtaskRef)
  | ({ readonly type: 'subtask-finished'; readonly outcome: SubtaskOutcome } & SubtaskRef)
  | { readonly type: 'final-answer'; readonly result: AskResult }
);

/** Distributes over the union so each event type keeps its own fields. */
type WithoutStamp<T> = T extends unknown ? Omit<T, 'askId' | 'at'> : never;

/** A progress event before the orchestrator stamps it with the ask id and time. */
export type ProgressEventBody = WithoutStamp<ProgressEvent>;
