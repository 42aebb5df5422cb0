import { composeAnswer } from '../plan/compose-answer.ts';
import type { Plan, Subtask, UnassignedRequest } from '../plan/plan.ts';
import type { AnswerInput, PlanInput, Planner } from '../plan/planner.ts';
import { inferDependencies } from './infer-dependencies.ts';
import { SkillIndex, type SkillMatch } from './skill-index.ts';
import { splitRequest } from './split-request.ts';

export interface OfflinePlannerOptions {
  /**
   * The share of a sub-request's words (weighted by idf) the best skill must
   * match for the part to be assigned; below it the part is reported as
   * unassigned. Default 0.3.
   */
  readonly minCoverage?: number;
}

/**
 * The built-in planner used when no model is configured: it splits the
 * request into parts, assigns each to the skill BM25 ranks best, infers
 * dependencies by fixed rules (see `inferDependencies`) and writes the final
 * answer from the artifacts. A fallback: it does not understand the request
 * the way a model does.
 */
export class OfflinePlanner implements Planner {
  readonly kind = 'offline';
  readonly #minCoverage: number;

  constructor(options: OfflinePlannerOptions = {}) {
    this.#minCoverage = options.minCoverage ?? 0.3;
  }

  async plan(input: PlanInput): Promise<Plan> {
    const { goal, parts } = splitRequest(input.request);
    const index = new SkillIndex(input.agents);
    const dependencies = inferDependencies(parts);
    const subtaskIds: (string | undefined)[] = [];
    const subtasks: Subtask[] = [];
    const unassigned: UnassignedRequest[] = [];
    parts.forEach((part, i) => {
      const best = index.rank(part.text)[0];
      if (!best || best.coverage < this.#minCoverage) {
        subtaskIds.push(undefined);
        unassigned.push({ text: part.text, reason: noMatchReason(best) });
        return;
      }
      const needs = dependencies[i]?.dependsOn ?? [];
      const missing = needs.find((j) => subtaskIds[j] === undefined);
      if (missing !== undefined && dependencies[i]?.rule !== 'reports-on-earlier') {
        subtaskIds.push(undefined);
        unassigned.push({ text: part.text, reason: `it needs "${parts[missing]?.text}", which no agent can do` });
        return;
      }
      const id = `s${subtasks.length + 1}`;
      subtaskIds.push(id);
      subtasks.push({
        id,
        agent: best.key.agent.name,
        skill: best.key.skill.id,
        title: part.text,
        instruction: goal ? `${capitalize(part.text)}.\n\nThis is part of: ${goal}.` : `${capitalize(part.text)}.`,
        dependsOn: needs.map((j) => subtaskIds[j]).filter((dep): dep is string => dep !== undefined),
      });
    });
    return { subtasks, unassigned, planner: 'offline' };
  }

  async answer(input: AnswerInput): Promise<string> {
    return composeAnswer(input.plan, input.outcomes);
  }
}

function noMatchReason(best: SkillMatch | undefined): string {
  if (!best) return "no agent's skills match it";
  return `no agent's skills match it well enough (closest: ${best.key.agent.name}/${best.key.skill.id})`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
