import type { Plan, Subtask } from '../plan/plan.ts';
import { type Artifact, artifactText } from '../ports/a2a-shapes.ts';
import type { InputProvider, InputRequest } from '../ports/subtask-runner.ts';
import type { ProgressEvent, SubtaskOutcome } from '../progress/progress-event.ts';

/**
 * Answers an agent's follow-up question from the results of the subtasks
 * running beside it: when facilities asks "which date?" while the scheduler
 * is still finding one, the answer waits for the scheduler and passes its
 * result on. Subtasks that depend on the asking one are never waited for
 * (that would deadlock). Feed it the ask's progress events.
 */
export class SiblingAnswers implements InputProvider {
  readonly #outcomes = new Map<string, SubtaskOutcome>();
  readonly #waiters = new Set<() => void>();

  /** Records finished subtasks; pass every progress event of the ask. */
  observe(event: ProgressEvent): void {
    if (event.type !== 'subtask-finished') return;
    this.#outcomes.set(event.subtaskId, event.outcome);
    for (const wake of [...this.#waiters]) wake();
  }

  async provide(input: InputRequest, signal: AbortSignal): Promise<string | undefined> {
    const siblings = independentSiblings(input.plan, input.subtask);
    if (siblings.length === 0) return undefined;
    await this.#settled(siblings, signal);
    const artifacts = siblings.flatMap((s) => {
      const outcome = this.#outcomes.get(s.id);
      return outcome?.status === 'completed' ? outcome.artifacts : [];
    });
    if (artifacts.length === 0) return undefined;
    const facts = artifacts.map(artifactText).join('\n');
    if (/\bdate|day|when\b/i.test(input.question)) {
      const date = firstDate(artifacts);
      return date ? `${date} (${facts})` : undefined;
    }
    return facts;
  }

  #settled(subtasks: readonly Subtask[], signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (subtasks.every((s) => this.#outcomes.has(s.id))) {
          this.#waiters.delete(check);
          signal.removeEventListener('abort', onAbort);
          resolve();
        }
      };
      const onAbort = () => {
        this.#waiters.delete(check);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiters.add(check);
      check();
    });
  }
}

/** Subtasks other than `asking` that neither it nor they depend on through the other. */
function independentSiblings(plan: Plan, asking: Subtask): Subtask[] {
  const dependents = new Set<string>([asking.id]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const s of plan.subtasks) {
      if (!dependents.has(s.id) && s.dependsOn.some((d) => dependents.has(d))) {
        dependents.add(s.id);
        grew = true;
      }
    }
  }
  return plan.subtasks.filter((s) => !dependents.has(s.id) && !asking.dependsOn.includes(s.id));
}

function firstDate(artifacts: readonly Artifact[]): string | undefined {
  for (const artifact of artifacts) {
    for (const part of artifact.parts) {
      const data = part.data as { date?: unknown } | undefined;
      if (typeof data?.date === 'string') return data.date;
      const match = part.text ? /\b\d{4}-\d{2}-\d{2}\b/.exec(part.text) : null;
      if (match) return match[0];
    }
  }
  return undefined;
}
