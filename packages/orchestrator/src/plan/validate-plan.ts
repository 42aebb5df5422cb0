import type { Issue } from '@parley/core';
import { OrchestratorError } from '../errors.ts';
import type { AgentCandidate } from '../ports/agent-directory.ts';
import type { Plan } from './plan.ts';

/**
 * Checks a plan against the agents it may use: unique ids, known agents and
 * skills, dependencies that exist, and no cycles. Returns the problems as data.
 */
export function planIssues(plan: Plan, agents: readonly AgentCandidate[]): Issue[] {
  const issues: Issue[] = [];
  const byName = new Map(agents.map((agent) => [agent.name, agent]));
  const ids = new Set<string>();
  plan.subtasks.forEach((subtask, i) => {
    const at = `subtasks[${i}]`;
    if (ids.has(subtask.id)) issues.push({ path: `${at}.id`, message: `duplicate subtask id "${subtask.id}"` });
    ids.add(subtask.id);
    const agent = byName.get(subtask.agent);
    if (!agent) {
      issues.push({ path: `${at}.agent`, message: `unknown agent "${subtask.agent}"` });
    } else if (!agent.skills.some((skill) => skill.id === subtask.skill)) {
      issues.push({ path: `${at}.skill`, message: `agent "${subtask.agent}" has no skill "${subtask.skill}"` });
    }
    if (subtask.instruction.trim() === '') issues.push({ path: `${at}.instruction`, message: 'must not be empty' });
  });
  plan.subtasks.forEach((subtask, i) => {
    subtask.dependsOn.forEach((dependency, j) => {
      const at = `subtasks[${i}].dependsOn[${j}]`;
      if (dependency === subtask.id) issues.push({ path: at, message: `subtask "${subtask.id}" depends on itself` });
      else if (!ids.has(dependency)) issues.push({ path: at, message: `unknown subtask "${dependency}"` });
    });
  });
  const cycle = findCycle(plan);
  if (cycle) issues.push({ path: 'subtasks', message: `dependency cycle: ${cycle.join(' -> ')}` });
  return issues;
}

/** Throws ERR_ORCH_PLAN_INVALID listing every problem, or returns the plan. */
export function assertValidPlan(plan: Plan, agents: readonly AgentCandidate[]): Plan {
  const issues = planIssues(plan, agents);
  if (issues.length > 0) {
    throw new OrchestratorError(
      'ERR_ORCH_PLAN_INVALID',
      `the plan is invalid: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`,
      { issues },
    );
  }
  return plan;
}

/** A cycle among known subtasks, as ids (first repeated at the end), or undefined. */
function findCycle(plan: Plan): string[] | undefined {
  const edges = new Map(plan.subtasks.map((subtask) => [subtask.id, subtask.dependsOn]));
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'visiting');
    path.push(id);
    for (const next of edges.get(id) ?? []) {
      if (next === id || !edges.has(next)) continue;
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of edges.keys()) {
    const cycle = visit(id);
    if (cycle) return cycle;
  }
  return undefined;
}
