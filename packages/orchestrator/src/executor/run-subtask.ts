import type { Clock } from '@parley/core';
import { OrchestratorError } from '../errors.ts';
import type { Plan, Subtask } from '../plan/plan.ts';
import type { Artifact } from '../ports/a2a-shapes.ts';
import type { AgentCandidate } from '../ports/agent-directory.ts';
import type {
  InputProvider,
  SubtaskInput,
  SubtaskRequest,
  SubtaskRunner,
  SubtaskUpdate,
} from '../ports/subtask-runner.ts';
import type { ProgressEventBody, SubtaskOutcome } from '../progress/progress-event.ts';
import { abortable } from './abortable.ts';
import { subtaskMessage } from './subtask-message.ts';
import { type Timers, WorkBudget } from './timers.ts';

/** Per-subtask limits, from `orchestrator.subtaskTimeout` and `orchestrator.retries`. */
export interface ExecutionSettings {
  /** Working time allowed per attempt, ms (paused while a human decides). */
  readonly subtaskTimeout: number;
  /** Further attempts after a failed one, when a retry is safe. */
  readonly retries: number;
}

export interface RunSubtaskContext {
  readonly askId: string;
  readonly request: string;
  /** A validated plan (see `assertValidPlan`). */
  readonly plan: Plan;
  readonly subtask: Subtask;
  readonly agent: AgentCandidate;
  readonly inputs: readonly SubtaskInput[];
  /** Every completed subtask's output so far, for answering questions. */
  readonly context: () => readonly SubtaskInput[];
  readonly runner: SubtaskRunner;
  readonly inputProvider: InputProvider | undefined;
  readonly settings: ExecutionSettings;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly emit: (event: ProgressEventBody) => void;
  /** The whole ask's signal: aborting it cancels this subtask. */
  readonly signal: AbortSignal;
}

/** How one attempt ended; `retryable` is false once a side effect may have happened. */
type AttemptResult =
  | { readonly status: 'completed'; readonly artifacts: readonly Artifact[]; readonly taskId?: string }
  | {
      readonly status: 'failed' | 'rejected' | 'canceled';
      readonly reason: string;
      readonly retryable: boolean;
      readonly artifacts: readonly Artifact[];
      readonly taskId?: string;
    };

/**
 * Runs one subtask to its end, retrying a failed attempt only when that is
 * safe: never after the remote task asked for an approval
 * (TASK_STATE_AUTH_REQUIRED, so an action was attempted and may have been
 * approved and executed) or produced an artifact (partial output), never
 * after a rejection, a cancellation or an unanswered question.
 */
export async function runSubtask(context: RunSubtaskContext): Promise<SubtaskOutcome> {
  const { subtask, agent } = context;
  const message = subtaskMessage(subtask, context.inputs);
  let attempt = 0;
  while (true) {
    attempt += 1;
    context.emit({ type: 'subtask-started', subtaskId: subtask.id, agent: agent.name, skill: subtask.skill, attempt });
    const request: SubtaskRequest = { subtask, agent, message, attempt, askId: context.askId };
    const result = await runAttempt(context, request);
    const base = {
      subtaskId: subtask.id,
      agent: agent.name,
      skill: subtask.skill,
      title: subtask.title ?? subtask.instruction,
      artifacts: result.artifacts,
      attempts: attempt,
      ...(result.taskId === undefined ? {} : { taskId: result.taskId }),
    };
    if (result.status === 'completed') return { ...base, status: 'completed' };
    if (context.signal.aborted) return { ...base, status: 'canceled', reason: 'the request was canceled' };
    if (!result.retryable || attempt > context.settings.retries) {
      return { ...base, status: result.status, reason: result.reason };
    }
    context.emit({
      type: 'subtask-retrying',
      subtaskId: subtask.id,
      agent: agent.name,
      attempt: attempt + 1,
      reason: result.reason,
    });
  }
}

async function runAttempt(context: RunSubtaskContext, request: SubtaskRequest): Promise<AttemptResult> {
  const { subtask, agent, emit } = context;
  const ref = { subtaskId: subtask.id, agent: agent.name };
  const controller = new AbortController();
  const cancel = () => controller.abort(context.signal.reason);
  if (context.signal.aborted) cancel();
  else context.signal.addEventListener('abort', cancel, { once: true });
  const timeout = new OrchestratorError(
    'ERR_ORCH_SUBTASK_TIMEOUT',
    `${agent.name} did not finish within ${Math.round(context.settings.subtaskTimeout / 1000)}s`,
  );
  const budget = new WorkBudget(context.settings.subtaskTimeout, context.clock, context.timers, () =>
    controller.abort(timeout),
  );
  const artifacts: Artifact[] = [];
  let taskId: string | undefined;
  let contextId: string | undefined;
  let sideEffect = false;
  const failed = (
    reason: string,
    status: 'failed' | 'rejected' | 'canceled' = 'failed',
    retryable = status === 'failed',
  ): AttemptResult => ({
    status,
    reason,
    retryable: retryable && !sideEffect,
    artifacts,
    ...(taskId === undefined ? {} : { taskId }),
  });

  budget.resume();
  let stream: AsyncIterable<SubtaskUpdate> = context.runner.run(request, controller.signal);
  try {
    while (true) {
      let question: string | undefined;
      for await (const update of abortable(stream, controller.signal)) {
        if (update.kind === 'artifact') {
          sideEffect = true;
          artifacts.push(update.artifact);
          emit({ type: 'subtask-artifact', ...ref, artifact: update.artifact });
          continue;
        }
        taskId = update.taskId ?? taskId;
        contextId = update.contextId ?? contextId;
        emit({
          type: 'subtask-status',
          ...ref,
          state: update.state,
          ...(update.message === undefined ? {} : { message: update.message }),
        });
        switch (update.state) {
          case 'TASK_STATE_SUBMITTED':
          case 'TASK_STATE_WORKING':
            budget.resume();
            break;
          case 'TASK_STATE_AUTH_REQUIRED':
            sideEffect = true;
            budget.pause();
            emit({
              type: 'approval-required',
              ...ref,
              approval: update.approval ?? {},
              ...(update.message === undefined ? {} : { message: update.message }),
            });
            break;
          case 'TASK_STATE_INPUT_REQUIRED':
            question = update.message ?? `${agent.name} needs more information`;
            break;
          case 'TASK_STATE_COMPLETED':
            return { status: 'completed', artifacts, ...(taskId === undefined ? {} : { taskId }) };
          case 'TASK_STATE_FAILED':
            return failed(update.message ?? `${agent.name} reported a failure`);
          case 'TASK_STATE_REJECTED':
            return failed(update.message ?? `${agent.name} rejected the request`, 'rejected');
          case 'TASK_STATE_CANCELED':
            return failed(update.message ?? `${agent.name} canceled the task`, 'canceled');
        }
      }
      if (question === undefined || taskId === undefined) {
        return failed(`${agent.name} stopped answering before the task finished`);
      }
      budget.pause();
      emit({ type: 'input-required', ...ref, question });
      const answer = await context.inputProvider?.provide(
        {
          askId: context.askId,
          request: context.request,
          plan: context.plan,
          subtask,
          question,
          context: context.context(),
        },
        controller.signal,
      );
      if (controller.signal.aborted) throw controller.signal.reason;
      if (answer === undefined || answer.trim() === '') {
        return failed(`${agent.name} asked "${question}" and no answer was given`, 'failed', false);
      }
      budget.resume();
      stream = context.runner.reply({ request, taskId, contextId, text: answer }, controller.signal);
    }
  } catch (error) {
    if (context.signal.aborted) return failed('the request was canceled', 'canceled');
    if (budget.expired) return failed(timeout.message);
    return failed(`${agent.name} could not be reached: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    budget.stop();
    context.signal.removeEventListener('abort', cancel);
  }
}
