import { TERMINAL_TASK_STATES } from '../ports/a2a-shapes.ts';
import type { SubtaskReply, SubtaskRequest, SubtaskRunner, SubtaskUpdate } from '../ports/subtask-runner.ts';

/** What a scripted agent sees for one call: the request, the signal, and a reply when answering a question. */
export interface ScriptCall {
  readonly request: SubtaskRequest;
  readonly signal: AbortSignal;
  readonly reply?: SubtaskReply;
}

export type AgentScript = (call: ScriptCall) => AsyncIterable<SubtaskUpdate>;

/** One recorded moment of a scripted run, in the order it happened. */
export interface RunnerRecord {
  readonly what: 'start' | 'end' | 'aborted' | 'reply';
  readonly subtaskId: string;
  readonly attempt: number;
}

/**
 * A SubtaskRunner whose agents are scripts, recording when each call starts,
 * ends and sees its abort signal: tests assert ordering and parallelism from
 * these records, never from wall-clock time.
 */
export class ScriptedRunner implements SubtaskRunner {
  readonly records: RunnerRecord[] = [];
  readonly requests: SubtaskRequest[] = [];
  readonly #scripts: Readonly<Record<string, AgentScript>>;

  constructor(scripts: Readonly<Record<string, AgentScript>>) {
    this.#scripts = scripts;
  }

  run(request: SubtaskRequest, signal: AbortSignal): AsyncIterable<SubtaskUpdate> {
    this.requests.push(request);
    return this.#call({ request, signal });
  }

  reply(reply: SubtaskReply, signal: AbortSignal): AsyncIterable<SubtaskUpdate> {
    this.records.push({ what: 'reply', subtaskId: reply.request.subtask.id, attempt: reply.request.attempt });
    return this.#call({ request: reply.request, signal, reply });
  }

  async *#call(call: ScriptCall): AsyncGenerator<SubtaskUpdate> {
    const { subtask, attempt } = call.request;
    const script = this.#scripts[subtask.id] ?? this.#scripts[subtask.agent];
    if (!script) throw new Error(`no script for ${subtask.id} (${subtask.agent})`);
    const onAbort = () => this.records.push({ what: 'aborted', subtaskId: subtask.id, attempt });
    call.signal.addEventListener('abort', onAbort, { once: true });
    if (!call.reply) this.records.push({ what: 'start', subtaskId: subtask.id, attempt });
    let ended = false;
    const end = () => {
      if (!ended) this.records.push({ what: 'end', subtaskId: subtask.id, attempt });
      ended = true;
    };
    try {
      for await (const update of script(call)) {
        // The end is when the terminal state is reported, not when the consumer lets go.
        if (update.kind === 'status' && TERMINAL_TASK_STATES.has(update.state)) end();
        yield update;
      }
    } finally {
      call.signal.removeEventListener('abort', onAbort);
      end();
    }
  }
}

/** A script that works, produces one text artifact, and completes. */
export function completesWith(text: string): AgentScript {
  return async function* () {
    yield { kind: 'status', state: 'TASK_STATE_WORKING', taskId: `task-${text.length}` };
    yield { kind: 'artifact', artifact: { artifactId: 'result', parts: [{ text }] } };
    yield { kind: 'status', state: 'TASK_STATE_COMPLETED' };
  };
}

/** Resolves when `signal` aborts (for scripts that run until canceled). */
export function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
