import { artifactText, type ProgressEvent, type TaskState } from '@parley/orchestrator';

const STATE_WORDS: Readonly<Record<TaskState, string>> = {
  TASK_STATE_SUBMITTED: 'submitted',
  TASK_STATE_WORKING: 'working',
  TASK_STATE_INPUT_REQUIRED: 'needs input',
  TASK_STATE_AUTH_REQUIRED: 'waiting for approval',
  TASK_STATE_COMPLETED: 'completed',
  TASK_STATE_FAILED: 'failed',
  TASK_STATE_CANCELED: 'canceled',
  TASK_STATE_REJECTED: 'rejected',
};

const OUTCOME_MARKS = { completed: '✓', failed: '✗', rejected: '✗', canceled: '✗', skipped: '–' } as const;

/**
 * The live view of `parley ask`: one line per change to the plan (each
 * subtask's agent, state and progress, approvals with their URL, questions),
 * then the final answer. Append-only, so it reads the same in a terminal, a
 * pipe or a CI log.
 */
export class AskView {
  readonly #write: (text: string) => void;
  readonly #lastState = new Map<string, string>();

  constructor(write: (text: string) => void) {
    this.#write = write;
  }

  line(text: string): void {
    this.#write(`${text}\n`);
  }

  event(event: ProgressEvent): void {
    switch (event.type) {
      case 'plan-created': {
        const { plan } = event;
        const n = plan.subtasks.length;
        this.line(`Plan (${plan.planner} planner): ${n} subtask${n === 1 ? '' : 's'}`);
        for (const subtask of plan.subtasks) {
          const after = subtask.dependsOn.length > 0 ? `  (after ${subtask.dependsOn.join(', ')})` : '';
          this.line(
            `  ${subtask.id}  ${subtask.agent}/${subtask.skill}  ${subtask.title ?? firstLine(subtask.instruction)}${after}`,
          );
        }
        for (const part of plan.unassigned) this.line(`  ✗ not assigned: ${part.text} — ${part.reason}`);
        return;
      }
      case 'subtask-started':
        if (event.attempt > 1) this.#subtask(event, `attempt ${event.attempt}`);
        return;
      case 'subtask-status': {
        const text = STATE_WORDS[event.state] + (event.message ? ` — ${firstLine(event.message)}` : '');
        if (this.#lastState.get(event.subtaskId) === text) return;
        this.#lastState.set(event.subtaskId, text);
        if (event.state !== 'TASK_STATE_AUTH_REQUIRED' && event.state !== 'TASK_STATE_INPUT_REQUIRED') {
          this.#subtask(event, text);
        }
        return;
      }
      case 'subtask-artifact':
        this.#subtask(event, `result: ${truncate(firstLine(artifactText(event.artifact)), 100)}`);
        return;
      case 'approval-required': {
        const where = event.approval.url ? `approve at ${event.approval.url}` : 'approve it in the console';
        const cli = event.approval.id ? ` or run \`parley approvals approve ${event.approval.id}\`` : '';
        this.#subtask(event, `needs approval${event.message ? ` (${firstLine(event.message)})` : ''}: ${where}${cli}`);
        return;
      }
      case 'input-required':
        this.#subtask(event, `asks: ${event.question}`);
        return;
      case 'subtask-retrying':
        this.#subtask(event, `retrying (attempt ${event.attempt}): ${event.reason}`);
        return;
      case 'subtask-finished': {
        const { outcome } = event;
        this.#subtask(
          event,
          `${OUTCOME_MARKS[outcome.status]} ${outcome.status}${outcome.reason ? ` — ${outcome.reason}` : ''}`,
        );
        return;
      }
      case 'final-answer':
        return;
    }
  }

  /** The answer, then the trace id to look the ask up in the audit log. */
  final(result: { readonly state: string; readonly answer: string }, traceId: string | undefined): void {
    this.line('');
    this.line(result.answer);
    this.line('');
    const state = result.state.replace('TASK_STATE_', '').toLowerCase();
    this.line(`${state}${traceId ? `  trace ${traceId}` : ''}`);
  }

  #subtask(event: { subtaskId: string; agent: string }, text: string): void {
    this.line(`  ${event.subtaskId} ${event.agent}: ${text}`);
  }
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').trim();
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
