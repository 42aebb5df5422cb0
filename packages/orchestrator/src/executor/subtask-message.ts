import type { Subtask } from '../plan/plan.ts';
import { artifactText } from '../ports/a2a-shapes.ts';
import type { SubtaskInput, SubtaskMessage } from '../ports/subtask-runner.ts';

/**
 * The message a subtask sends: its instruction, then its inputs' artifacts
 * as readable context (the runner also sends them as data parts).
 */
export function subtaskMessage(subtask: Subtask, inputs: readonly SubtaskInput[]): SubtaskMessage {
  if (inputs.length === 0) return { text: subtask.instruction, inputs };
  const lines = inputs.map((input) => {
    const text = input.artifacts.map(artifactText).join('\n').trim() || '(done, no output)';
    return `- ${input.agent} (${input.skill}): ${text}`;
  });
  return { text: `${subtask.instruction}\n\nResults of earlier steps to use:\n${lines.join('\n')}`, inputs };
}
