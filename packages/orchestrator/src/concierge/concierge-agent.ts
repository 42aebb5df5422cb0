import { type AgentDefinition, artifact, defineAgent, working } from '@parley/a2a';
import type { FetchFunction, Logger } from '@parley/core';
import type { ExecutionSettings } from '../executor/run-subtask.ts';
import { Orchestrator } from '../orchestrator.ts';
import type { Planner } from '../plan/planner.ts';
import type { AgentDirectory } from '../ports/agent-directory.ts';
import { firstAnswer, type InputProvider } from '../ports/subtask-runner.ts';
import type { ProgressEvent } from '../progress/progress-event.ts';
import { progressMetadata } from '../progress/progress-wire.ts';
import { A2ASubtaskRunner } from './a2a-subtask-runner.ts';
import { SiblingAnswers } from './sibling-answers.ts';

export interface ConciergeOptions {
  directory: AgentDirectory;
  planner: Planner;
  settings: ExecutionSettings;
  /** How the concierge reaches the proxy (its own mesh: a plain fetch). */
  fetch: FetchFunction;
  logger: Logger;
}

/** The name the concierge is served under: `/a2a/concierge`. */
export const CONCIERGE = 'concierge';

/**
 * The concierge: the client agent of DESIGN.md. It plans a request over the
 * agents' cards, delegates the parts in parallel on the caller's behalf (each
 * call with a token exchanged for that agent, `act` = concierge), answers
 * follow-up questions from the other parts' results or by asking its own
 * caller, and composes the final answer. Every progress event goes out as a
 * status update whose message metadata carries it (PROGRESS_METADATA_KEY).
 */
export function conciergeAgent(options: ConciergeOptions): AgentDefinition {
  return defineAgent({
    name: CONCIERGE,
    card: {
      description:
        'Plans a request, delegates its parts in parallel to the specialist agents of the mesh on your behalf, and pulls the results together.',
    },
    skills: [
      {
        id: 'plan_and_delegate',
        name: 'Plan and delegate',
        description:
          'Breaks a complex request into parts, finds the best agent for each from their Agent Cards, runs them in parallel and reports one answer.',
        tags: ['plan', 'delegate', 'orchestrate', 'concierge', 'assistant'],
        examples: [
          'Plan a team offsite for the platform team next week: find a day everyone is free, book a room for 8 people, and email the announcement',
        ],
      },
    ],
    async *execute(ctx) {
      const siblings = new SiblingAnswers();
      const askCaller: InputProvider = {
        async provide(input) {
          const reply = await ctx.requestInput(`${input.subtask.agent} asks: ${input.question}`);
          return reply.parts.flatMap((p) => ('text' in p && p.text ? [p.text] : [])).join('\n') || undefined;
        },
      };
      const orchestrator = new Orchestrator({
        directory: options.directory,
        runner: new A2ASubtaskRunner({
          caller: ctx.caller,
          fetch: options.fetch,
          credentialFor: (audience) => ctx.credentialFor(audience),
        }),
        planner: options.planner,
        inputProvider: firstAnswer(siblings, askCaller),
        settings: options.settings,
        logger: options.logger,
      });
      const events: ProgressEvent[] = [];
      let wake: (() => void) | undefined;
      const done = orchestrator.ask(ctx.text, {
        signal: ctx.signal,
        askId: ctx.taskId,
        onEvent: (event) => {
          siblings.observe(event);
          events.push(event);
          wake?.();
        },
      });
      let finished = false;
      void done.finally(() => {
        finished = true;
        wake?.();
      });
      while (!finished || events.length > 0) {
        const event = events.shift();
        if (!event) {
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          continue;
        }
        yield { ...working(describe(event)), metadata: progressMetadata(event) };
      }
      const result = await done;
      yield artifact({ name: 'answer', text: result.answer, data: { state: result.state, outcomes: result.outcomes } });
      return result.answer;
    },
  });
}

function describe(event: ProgressEvent): string {
  switch (event.type) {
    case 'plan-created':
      return `Plan: ${event.plan.subtasks.map((s) => `${s.agent}/${s.skill}`).join(', ') || 'nothing to delegate'}`;
    case 'subtask-started':
      return `${event.agent}: started${event.attempt > 1 ? ` (attempt ${event.attempt})` : ''}`;
    case 'subtask-status':
      return `${event.agent}: ${event.message ?? event.state}`;
    case 'subtask-artifact':
      return `${event.agent}: result ${event.artifact.name ?? event.artifact.artifactId}`;
    case 'approval-required':
      return `${event.agent}: waiting for approval${event.approval.url ? ` at ${event.approval.url}` : ''}`;
    case 'input-required':
      return `${event.agent} asks: ${event.question}`;
    case 'subtask-retrying':
      return `${event.agent}: retrying (${event.reason})`;
    case 'subtask-finished':
      return `${event.agent}: ${event.outcome.status}`;
    case 'final-answer':
      return 'Done';
  }
}
