import { type AskResult, progressFromMetadata, type SubtaskOutcome } from '@parley/orchestrator';
import type { ConciergePort, StreamResponse } from './ask-concierge-client.ts';
import type { AskView } from './ask-view.ts';

/** What `parley ask` ends with: printed as text, or as one JSON document with `--json`. */
export interface AskSummary {
  readonly ok: boolean;
  readonly state: string;
  readonly answer: string;
  readonly taskId: string | undefined;
  readonly traceId: string | undefined;
  readonly subtasks: readonly SubtaskOutcome[];
  readonly unassigned: AskResult['unassigned'];
}

export interface AskSessionOptions {
  readonly request: string;
  readonly concierge: ConciergePort;
  /** Absent with `--json`: nothing is printed until the end. */
  readonly view: AskView | undefined;
  /** Asks the person at the terminal; absent when stdin is not a TTY. */
  readonly prompt: ((question: string) => Promise<string | undefined>) | undefined;
  readonly signal: AbortSignal;
}

const TERMINAL = new Set(['TASK_STATE_COMPLETED', 'TASK_STATE_FAILED', 'TASK_STATE_CANCELED', 'TASK_STATE_REJECTED']);

/**
 * Runs one ask against the concierge: streams its progress into the view,
 * answers its questions at the terminal (a reply on the same task), and
 * returns the summary. Approvals are shown and waited for: they are decided
 * in the console or with `parley approvals`, and the stream goes on.
 */
export async function runAskSession(options: AskSessionOptions): Promise<AskSummary> {
  const { concierge, view } = options;
  let taskId: string | undefined;
  let contextId: string | undefined;
  let state = 'TASK_STATE_SUBMITTED';
  let statusText = '';
  let result: AskResult | undefined;
  let text = options.request;
  const onAbort = () => {
    if (taskId) void concierge.cancel(taskId);
  };
  options.signal.addEventListener('abort', onAbort, { once: true });
  try {
    while (true) {
      const stream = concierge.send(text, {
        ...(taskId ? { taskId } : {}),
        ...(contextId ? { contextId } : {}),
        signal: options.signal,
      });
      for await (const response of stream) {
        const update = read(response);
        taskId = update.taskId ?? taskId;
        contextId = update.contextId ?? contextId;
        if (update.progress) {
          if (update.progress.type === 'final-answer') result = update.progress.result;
          else view?.event(update.progress);
        }
        if (update.state) {
          state = update.state;
          statusText = update.text || statusText;
        }
      }
      if (state !== 'TASK_STATE_INPUT_REQUIRED' || !taskId) break;
      const question = statusText || 'The concierge needs more information.';
      const answer = options.prompt ? await options.prompt(question) : undefined;
      if (answer === undefined || answer.trim() === '') {
        statusText = `The concierge needs an answer: ${question} (rerun in a terminal, or answer in the console; task ${taskId})`;
        break;
      }
      text = answer;
    }
  } finally {
    options.signal.removeEventListener('abort', onAbort);
  }
  if (options.signal.aborted) state = 'TASK_STATE_CANCELED';
  const finalState = result?.state ?? (TERMINAL.has(state) ? state : 'TASK_STATE_FAILED');
  return {
    ok: finalState === 'TASK_STATE_COMPLETED',
    state: finalState,
    answer: result?.answer ?? (statusText || describeEnd(state)),
    taskId,
    traceId: concierge.traceId,
    subtasks: result?.outcomes ?? [],
    unassigned: result?.unassigned ?? [],
  };
}

function read(response: StreamResponse) {
  const progressOf = (metadata: unknown) => progressFromMetadata(metadata);
  if (response.task) {
    return {
      taskId: response.task.id,
      contextId: response.task.contextId,
      state: response.task.status.state,
      text: textOf(response.task.status.message?.parts),
      progress: progressOf(response.task.metadata),
    };
  }
  if (response.statusUpdate) {
    return {
      taskId: response.statusUpdate.taskId,
      contextId: response.statusUpdate.contextId,
      state: response.statusUpdate.status.state,
      text: textOf(response.statusUpdate.status.message?.parts),
      progress:
        progressOf(response.statusUpdate.metadata) ?? progressOf(response.statusUpdate.status.message?.metadata),
    };
  }
  if (response.message)
    return { taskId: response.message.taskId, state: 'TASK_STATE_COMPLETED', text: textOf(response.message.parts) };
  return { taskId: response.artifactUpdate?.taskId };
}

function textOf(parts: readonly { text?: string | undefined }[] | undefined): string {
  return (parts ?? [])
    .map((part) => part.text ?? '')
    .filter(Boolean)
    .join('\n');
}

function describeEnd(state: string): string {
  if (state === 'TASK_STATE_CANCELED') return 'The request was canceled.';
  return `The concierge stopped without an answer (${state}).`;
}
