import type { Plan } from '../plan/plan.ts';
import { artifactText } from '../ports/a2a-shapes.ts';
import type { AgentCandidate } from '../ports/agent-directory.ts';
import type { InputRequest } from '../ports/subtask-runner.ts';
import type { SubtaskOutcome } from '../progress/progress-event.ts';

const MAX_RESULT_CHARS = 2000;

export const PLAN_INSTRUCTIONS = `You are Parley's concierge. You plan how remote agents complete a user's request.
Split the request into subtasks. Assign each to exactly one agent and one of that agent's skills, using only the agents and skill ids listed.
Write each subtask's instruction as a complete, self-contained message to that agent (include dates, sizes, names from the request).
Give each subtask a short id (s1, s2, ...). List in dependsOn the ids of subtasks whose results this one needs; the others run in parallel. No cycles.
Put any part of the request that no listed skill can do in "unassigned" with the reason; never drop a part silently.`;

export const ANSWER_INSTRUCTIONS = `You are Parley's concierge. Write the final answer to the user from the subtasks' results.
State concretely what was done, using the results (dates, names, identifiers). Then state plainly what was not done and why.
Never claim something was done unless its subtask completed. Do not invent results. Be brief.`;

export const INPUT_INSTRUCTIONS = `You are Parley's concierge. A remote agent working on part of the user's request asks a question.
Answer it only if the user's request or the results so far state the answer. Otherwise reply exactly UNKNOWN.`;

/** The agents as the model sees them: names, descriptions and skills from their cards. */
export function describeAgents(agents: readonly AgentCandidate[]): string {
  return JSON.stringify(
    agents.map((agent) => ({
      agent: agent.name,
      description: agent.description,
      skills: agent.skills.map((skill) => ({
        id: skill.id,
        name: skill.name,
        description: skill.description,
        tags: skill.tags,
        ...(skill.examples?.length ? { examples: skill.examples } : {}),
      })),
    })),
    null,
    2,
  );
}

export function planPrompt(request: string, agents: readonly AgentCandidate[]): string {
  return `Available agents and their skills:\n${describeAgents(agents)}\n\nThe user's request:\n${request}`;
}

export function answerPrompt(request: string, plan: Plan, outcomes: readonly SubtaskOutcome[]): string {
  const results = outcomes.map((outcome) => ({
    subtask: outcome.title,
    agent: outcome.agent,
    skill: outcome.skill,
    status: outcome.status,
    ...(outcome.reason ? { reason: outcome.reason } : {}),
    result: outcome.artifacts.map(artifactText).join('\n').slice(0, MAX_RESULT_CHARS),
  }));
  return `The user's request:\n${request}\n\nSubtask results:\n${JSON.stringify(results, null, 2)}\n\nParts no agent could do:\n${JSON.stringify(plan.unassigned)}`;
}

export function inputPrompt(input: InputRequest): string {
  const context = input.context.map((done) => ({
    agent: done.agent,
    result: done.artifacts.map(artifactText).join('\n').slice(0, MAX_RESULT_CHARS),
  }));
  return `The user's request:\n${input.request}\n\nResults so far:\n${JSON.stringify(context)}\n\nThe agent ${input.subtask.agent} asks:\n${input.question}`;
}
