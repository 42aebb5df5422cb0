import { randomUUID } from 'node:crypto';
import { type Clock, isParleyError, type Logger, silentLogger, systemClock } from '@parley/core';
import { OrchestratorError } from './errors.ts';
import { executePlan } from './executor/execute-plan.ts';
import type { ExecutionSettings } from './executor/run-subtask.ts';
import { systemTimers, type Timers } from './executor/timers.ts';
import { notDoneLines } from './plan/compose-answer.ts';
import type { Plan } from './plan/plan.ts';
import type { Planner } from './plan/planner.ts';
import { assertValidPlan } from './plan/validate-plan.ts';
import type { AgentDirectory } from './ports/agent-directory.ts';
import type { InputProvider, SubtaskRunner } from './ports/subtask-runner.ts';
import { EventQueue } from './progress/event-queue.ts';
import type {
  AskResult,
  AskState,
  ProgressEvent,
  ProgressEventBody,
  SubtaskOutcome,
} from './progress/progress-event.ts';

export interface OrchestratorOptions {
  readonly directory: AgentDirectory;
  readonly runner: SubtaskRunner;
  readonly planner: Planner;
  /** Answers agents' questions; without one, a question fails its subtask. */
  readonly inputProvider?: InputProvider;
  readonly settings: ExecutionSettings;
  readonly clock?: Clock;
  readonly timers?: Timers;
  readonly logger?: Logger;
}

export interface AskOptions {
  /** Aborting it cancels every running subtask (and their remote tasks). */
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: ProgressEvent) => void;
  /** Defaults to a random UUID; the concierge passes its own task id. */
  readonly askId?: string;
  /** Per-ask answers to agents' questions (e.g. the concierge asking its caller). */
  readonly inputProvider?: InputProvider;
}

/**
 * The orchestrator's engine: discovers agents, plans, delegates the plan's
 * subtasks (in parallel where independent), and aggregates the results into
 * one answer. Progress is reported as `ProgressEvent`s.
 */
export class Orchestrator {
  readonly #options: OrchestratorOptions;
  readonly #clock: Clock;
  readonly #timers: Timers;
  readonly #logger: Logger;

  constructor(options: OrchestratorOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#timers = options.timers ?? systemTimers;
    this.#logger = options.logger ?? silentLogger();
  }

  /** Runs one ask to its end; never throws for a failed or canceled ask (see `AskResult.state`). */
  async ask(request: string, options: AskOptions = {}): Promise<AskResult> {
    const askId = options.askId ?? randomUUID();
    const signal = options.signal ?? new AbortController().signal;
    const emit = (body: ProgressEventBody) => {
      const event = { ...body, askId, at: this.#clock.now() } as ProgressEvent;
      try {
        options.onEvent?.(event);
      } catch (error) {
        this.#logger.warn({ err: error }, 'orchestrator progress listener failed');
      }
    };
    const finish = (result: Omit<AskResult, 'askId'>): AskResult => {
      const full = { askId, ...result };
      emit({ type: 'final-answer', result: full });
      return full;
    };

    let plan: Plan | undefined;
    try {
      const agents = await this.#options.directory.listAgents(signal);
      if (agents.length === 0)
        throw new OrchestratorError('ERR_ORCH_NO_AGENTS', 'no agents are available to delegate to');
      plan = assertValidPlan(await this.#options.planner.plan({ request, agents, signal }), agents);
      emit({ type: 'plan-created', plan });
      if (plan.subtasks.length === 0) {
        return finish({
          state: 'TASK_STATE_FAILED',
          answer: ['No agent can do any part of this request.', ...notDoneLines(plan, [])].join('\n'),
          plan,
          outcomes: [],
          unassigned: plan.unassigned,
          error: { code: 'ERR_ORCH_PLAN_EMPTY', message: 'no part of the request matched an agent' },
        });
      }
      const outcomes = await executePlan({
        askId,
        request,
        plan,
        agents,
        runner: this.#options.runner,
        inputProvider: options.inputProvider ?? this.#options.inputProvider,
        settings: this.#options.settings,
        clock: this.#clock,
        timers: this.#timers,
        emit,
        signal,
      });
      const state = askState(plan, outcomes, signal);
      const answer =
        state === 'TASK_STATE_CANCELED'
          ? canceledAnswer(plan, outcomes)
          : await this.#answer(request, plan, outcomes, signal);
      return finish({ state, answer, plan, outcomes, unassigned: plan.unassigned });
    } catch (error) {
      const canceled = signal.aborted;
      const code = canceled ? 'ERR_ORCH_CANCELED' : isParleyError(error) ? error.code : 'ERR_ORCH_FAILED';
      const message = canceled
        ? 'the request was canceled'
        : isParleyError(error)
          ? error.publicMessage
          : 'the orchestrator failed unexpectedly';
      if (!canceled && !isParleyError(error)) this.#logger.error({ err: error, askId }, 'ask failed');
      return finish({
        state: canceled ? 'TASK_STATE_CANCELED' : 'TASK_STATE_FAILED',
        answer: `Nothing was done: ${message}.`,
        plan,
        outcomes: [],
        unassigned: plan?.unassigned ?? [],
        error: { code, message },
      });
    }
  }

  /** The same ask as a stream of progress events; the last one is `final-answer`. */
  stream(request: string, options: Omit<AskOptions, 'onEvent'> = {}): AsyncIterable<ProgressEvent> {
    const queue = new EventQueue<ProgressEvent>();
    void this.ask(request, { ...options, onEvent: (event) => queue.push(event) }).finally(() => queue.end());
    return queue;
  }

  async #answer(
    request: string,
    plan: Plan,
    outcomes: readonly SubtaskOutcome[],
    signal: AbortSignal,
  ): Promise<string> {
    return this.#options.planner.answer({ request, plan, outcomes, signal });
  }
}

/** Completed only when every part of the request was done. */
function askState(plan: Plan, outcomes: readonly SubtaskOutcome[], signal: AbortSignal): AskState {
  if (signal.aborted) return 'TASK_STATE_CANCELED';
  const allDone = plan.unassigned.length === 0 && outcomes.every((outcome) => outcome.status === 'completed');
  return allDone ? 'TASK_STATE_COMPLETED' : 'TASK_STATE_FAILED';
}

function canceledAnswer(plan: Plan, outcomes: readonly SubtaskOutcome[]): string {
  const done = outcomes.filter((outcome) => outcome.status === 'completed');
  const lines = ['The request was canceled.'];
  if (done.length > 0) lines.push('Done before it was canceled:', ...done.map((o) => `- ${o.title} (${o.agent})`));
  lines.push('Not done:', ...notDoneLines(plan, outcomes));
  return lines.join('\n');
}
