import { artifactText } from '../ports/a2a-shapes.ts';
import type { SubtaskOutcome } from '../progress/progress-event.ts';
import type { Plan } from './plan.ts';

const MAX_RESULT_CHARS = 600;

/**
 * The final answer from the artifacts alone: what was done (with each
 * result), then, clearly, what was not done and why. Used by the offline
 * planner, and as the model planner's fallback.
 */
export function composeAnswer(plan: Plan, outcomes: readonly SubtaskOutcome[]): string {
  const done = outcomes.filter((outcome) => outcome.status === 'completed');
  const total = outcomes.length + plan.unassigned.length;
  const lines: string[] = [];
  if (total === 0) return 'Nothing in the request could be matched to an agent.';
  lines.push(
    done.length === total
      ? `Done: all ${total === 1 ? 'of it' : `${total} parts`}.`
      : `Done: ${done.length} of ${total} part${total === 1 ? '' : 's'}. Not done: ${total - done.length}.`,
  );
  for (const outcome of done) {
    lines.push(`- ${sentenceCase(outcome.title)} (${outcome.agent}): ${resultText(outcome)}`);
  }
  const notDone = notDoneLines(plan, outcomes);
  if (notDone.length > 0) lines.push('', 'Not done:', ...notDone);
  return lines.join('\n');
}

/** One line per part of the request that was not done, with the reason. */
export function notDoneLines(plan: Plan, outcomes: readonly SubtaskOutcome[]): string[] {
  return [
    ...outcomes
      .filter((outcome) => outcome.status !== 'completed')
      .map(
        (outcome) =>
          `- ${sentenceCase(outcome.title)} (${outcome.agent}): ${outcome.status}${outcome.reason ? ` — ${outcome.reason}` : ''}`,
      ),
    ...plan.unassigned.map((part) => `- ${sentenceCase(part.text)}: not attempted — ${part.reason}`),
  ];
}

function resultText(outcome: SubtaskOutcome): string {
  const text = outcome.artifacts.map(artifactText).join(' ').replace(/\s+/g, ' ').trim();
  if (text === '') return 'done (no details returned)';
  return text.length > MAX_RESULT_CHARS ? `${text.slice(0, MAX_RESULT_CHARS - 1)}…` : text;
}

function sentenceCase(text: string): string {
  const firstLine = text.split('\n')[0] ?? '';
  return firstLine.charAt(0).toUpperCase() + firstLine.slice(1);
}
