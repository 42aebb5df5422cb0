import type { Plan, Subtask } from '../plan/plan.ts';
import type { Artifact, TaskState } from './a2a-shapes.ts';
import type { AgentCandidate } from './agent-directory.ts';

/** A completed dependency's output, handed to the subtask that needs it. */
export interface SubtaskInput {
  readonly subtaskId: string;
  readonly agent: string;
  readonly skill: string;
  readonly artifacts: readonly Artifact[];
}

/** What one subtask sends: the text (instruction plus its inputs, readable) and the inputs as data. */
export interface SubtaskMessage {
  readonly text: string;
  readonly inputs: readonly SubtaskInput[];
}

/** One attempt to run a subtask on an agent, on behalf of the asking user. */
export interface SubtaskRequest {
  readonly subtask: Subtask;
  readonly agent: AgentCandidate;
  readonly message: SubtaskMessage;
  /** 1 for the first attempt; a retry is a new remote task. */
  readonly attempt: number;
  /** The ask this belongs to, usable as the A2A `contextId` of every subtask. */
  readonly askId: string;
}

/** A follow-up message on a remote task that is in TASK_STATE_INPUT_REQUIRED. */
export interface SubtaskReply {
  readonly request: SubtaskRequest;
  readonly taskId: string;
  readonly contextId: string | undefined;
  readonly text: string;
}

/** An approval the remote side waits for, as TASK_STATE_AUTH_REQUIRED carries it. */
export interface ApprovalRef {
  readonly id?: string;
  readonly url?: string;
}

/**
 * Progress of one remote task, in A2A terms. `TASK_STATE_INPUT_REQUIRED`
 * carries the agent's question in `message`; `TASK_STATE_AUTH_REQUIRED`
 * carries the approval. A stream ends after a terminal state or after
 * TASK_STATE_INPUT_REQUIRED (the task then waits for a reply).
 * @see https://a2a-protocol.org/latest/specification/#4211-taskstatusupdateevent
 */
export type SubtaskUpdate =
  | {
      readonly kind: 'status';
      readonly state: TaskState;
      readonly message?: string;
      readonly taskId?: string;
      readonly contextId?: string;
      readonly approval?: ApprovalRef;
    }
  | { readonly kind: 'artifact'; readonly artifact: Artifact; readonly taskId?: string };

/**
 * Port: sends a subtask to its agent with a token exchanged from the user's
 * token for the agent's audience (act = the concierge) and streams the remote
 * task's progress. Aborting `signal` must cancel the remote task
 * (CancelTask). Implemented over the A2A client at integration.
 * @see https://a2a-protocol.org/latest/specification/#312-send-streaming-message
 */
export interface SubtaskRunner {
  run(request: SubtaskRequest, signal: AbortSignal): AsyncIterable<SubtaskUpdate>;
  /** Answers an input-required task; the returned stream continues the same task. */
  reply(reply: SubtaskReply, signal: AbortSignal): AsyncIterable<SubtaskUpdate>;
}

/** A question a remote agent asked while working on a subtask. */
export interface InputRequest {
  readonly askId: string;
  readonly request: string;
  readonly plan: Plan;
  readonly subtask: Subtask;
  readonly question: string;
  /** Completed subtasks' artifacts so far, for answering from context. */
  readonly context: readonly SubtaskInput[];
}

/**
 * Port: answers an agent's question. The CLI / concierge asks the user; a
 * planner may answer from context. `undefined` means "cannot answer": the
 * subtask then fails with the question quoted.
 */
export interface InputProvider {
  provide(input: InputRequest, signal: AbortSignal): Promise<string | undefined>;
}

/** Tries providers in order; the first answer wins. */
export function firstAnswer(...providers: readonly InputProvider[]): InputProvider {
  return {
    async provide(input, signal) {
      for (const provider of providers) {
        const answer = await provider.provide(input, signal);
        if (answer !== undefined && answer.trim() !== '') return answer;
      }
      return undefined;
    },
  };
}
