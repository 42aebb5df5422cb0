import type { AgentCandidate } from '../ports/agent-directory.ts';
import type { SubtaskOutcome } from '../progress/progress-event.ts';
import type { Plan } from './plan.ts';

export interface PlanInput {
  readonly request: string;
  readonly agents: readonly AgentCandidate[];
  readonly signal?: AbortSignal;
}

export interface AnswerInput {
  readonly request: string;
  readonly plan: Plan;
  readonly outcomes: readonly SubtaskOutcome[];
  readonly signal?: AbortSignal;
}

/**
 * Turns a request into a plan over the available agents, and the subtasks'
 * outcomes into the final answer. Plans are validated by the orchestrator
 * (see `assertValidPlan`) whichever planner made them.
 */
export interface Planner {
  readonly kind: 'offline' | 'model';
  plan(input: PlanInput): Promise<Plan>;
  answer(input: AnswerInput): Promise<string>;
}
