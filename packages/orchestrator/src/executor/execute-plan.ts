import type { Subtask } from '../plan/plan.ts';
import type { AgentCandidate } from '../ports/agent-directory.ts';
import type { SubtaskInput } from '../ports/subtask-runner.ts';
import type { SubtaskOutcome } from '../progress/progress-event.ts';
import { type RunSubtaskContext, runSubtask } from './run-subtask.ts';

/** What a whole plan runs with: what each subtask runs with (`runSubtask`), and the agents to run them. */
export interface ExecutePlanOptions extends Omit<RunSubtaskContext, 'subtask' | 'agent' | 'inputs' | 'context'> {
  readonly agents: readonly AgentCandidate[];
}

/**
 * Runs a plan's DAG: every subtask whose dependencies all completed starts at
 * once (independent subtasks run in parallel) and receives its dependencies'
 * artifacts. A subtask whose dependency did not complete is skipped, not sent
 * with missing inputs. Returns one outcome per subtask, in plan order.
 */
export function executePlan(options: ExecutePlanOptions): Promise<SubtaskOutcome[]> {
  const { plan } = options;
  const agents = new Map(options.agents.map((agent) => [agent.name, agent]));
  const outcomes = new Map<string, SubtaskOutcome>();
  const started = new Set<string>();

  const inputsOf = (subtask: Subtask): SubtaskInput[] =>
    subtask.dependsOn.map((id) => toInput(outcomes.get(id) as SubtaskOutcome));
  const completedSoFar = (): SubtaskInput[] =>
    [...outcomes.values()].filter((outcome) => outcome.status === 'completed').map(toInput);

  return new Promise((resolve) => {
    const finish = (subtask: Subtask, outcome: SubtaskOutcome) => {
      outcomes.set(subtask.id, outcome);
      options.emit({ type: 'subtask-finished', subtaskId: subtask.id, agent: subtask.agent, outcome });
    };

    const advance = () => {
      // Skipping one subtask can make its dependents skippable: repeat until stable.
      let changed = true;
      while (changed) {
        changed = false;
        for (const subtask of plan.subtasks) {
          if (started.has(subtask.id)) continue;
          if (options.signal.aborted) {
            started.add(subtask.id);
            finish(subtask, notRun(subtask, 'canceled', 'the request was canceled before it started'));
            changed = true;
            continue;
          }
          const dependencies = subtask.dependsOn.map((id) => outcomes.get(id));
          if (dependencies.some((outcome) => outcome === undefined)) continue;
          started.add(subtask.id);
          const blocked = dependencies.find((outcome) => outcome?.status !== 'completed');
          if (blocked) {
            finish(
              subtask,
              notRun(subtask, 'skipped', `not started: it needs "${blocked.title}", which ${verb(blocked)}`),
            );
            changed = true;
            continue;
          }
          const agent = agents.get(subtask.agent) as AgentCandidate;
          void runSubtask({ ...options, subtask, agent, inputs: inputsOf(subtask), context: completedSoFar })
            .catch((error: unknown) => ({
              ...notRun(subtask, 'skipped', ''),
              status: 'failed' as const,
              reason: `internal error: ${error instanceof Error ? error.message : String(error)}`,
              attempts: 1,
            }))
            .then((outcome) => {
              finish(subtask, outcome);
              advance();
            });
        }
      }
      if (outcomes.size === plan.subtasks.length) {
        options.signal.removeEventListener('abort', advance);
        resolve(plan.subtasks.map((subtask) => outcomes.get(subtask.id) as SubtaskOutcome));
      }
    };

    options.signal.addEventListener('abort', advance, { once: true });
    advance();
  });
}

function toInput(outcome: SubtaskOutcome): SubtaskInput {
  return { subtaskId: outcome.subtaskId, agent: outcome.agent, skill: outcome.skill, artifacts: outcome.artifacts };
}

function notRun(subtask: Subtask, status: 'skipped' | 'canceled', reason: string): SubtaskOutcome {
  return {
    subtaskId: subtask.id,
    agent: subtask.agent,
    skill: subtask.skill,
    title: subtask.title ?? subtask.instruction,
    status,
    reason,
    artifacts: [],
    attempts: 0,
  };
}

function verb(outcome: SubtaskOutcome): string {
  switch (outcome.status) {
    case 'skipped':
      return 'was not started';
    case 'canceled':
      return 'was canceled';
    case 'rejected':
      return 'was rejected';
    default:
      return 'failed';
  }
}
