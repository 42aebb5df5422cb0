import {
  type Artifact as A2AArtifact,
  type CallContext,
  type Message,
  RemoteAgentClient,
  type StreamResponse,
} from '@parley/a2a';
import type { Caller, FetchFunction } from '@parley/core';
import type { Artifact, Part, TaskState } from '../ports/a2a-shapes.ts';
import type { SubtaskReply, SubtaskRequest, SubtaskRunner, SubtaskUpdate } from '../ports/subtask-runner.ts';

/** States after which the task goes on without the caller, so the runner keeps following it. */
const FOLLOW = new Set(['TASK_STATE_AUTH_REQUIRED', 'TASK_STATE_WORKING', 'TASK_STATE_SUBMITTED']);

export interface A2ASubtaskRunnerOptions {
  /** A fresh token for `audience`, exchanged from the user's with the concierge as actor (act). */
  credentialFor(audience: string): Promise<string>;
  caller: Caller | undefined;
  fetch: FetchFunction;
}

/**
 * Sends subtasks to agents over A2A (SendStreamingMessage through Parley's
 * proxy), each call with its own audience-bound token; cancels the remote
 * task when the subtask is aborted.
 * @see https://a2a-protocol.org/v1.0.0/specification/#312-send-streaming-message
 */
export class A2ASubtaskRunner implements SubtaskRunner {
  readonly #o: A2ASubtaskRunnerOptions;

  constructor(options: A2ASubtaskRunnerOptions) {
    this.#o = options;
  }

  run(request: SubtaskRequest, signal: AbortSignal): AsyncIterable<SubtaskUpdate> {
    return this.#send(request, signal, undefined);
  }

  reply(reply: SubtaskReply, signal: AbortSignal): AsyncIterable<SubtaskUpdate> {
    return this.#send(reply.request, signal, reply);
  }

  async *#send(
    request: SubtaskRequest,
    signal: AbortSignal,
    reply: SubtaskReply | undefined,
  ): AsyncGenerator<SubtaskUpdate> {
    const { agent } = request;
    const client = new RemoteAgentClient({
      url: agent.url,
      fetch: this.#o.fetch,
      authorization: async () => `Bearer ${await this.#o.credentialFor(agent.audience)}`,
    });
    const context: CallContext = { owner: 'concierge', caller: this.#o.caller, version: '1.0', signal };
    const message: Message = reply
      ? {
          messageId: crypto.randomUUID(),
          role: 'ROLE_USER',
          taskId: reply.taskId,
          ...(reply.contextId ? { contextId: reply.contextId } : {}),
          parts: [{ text: reply.text }],
        }
      : {
          messageId: crypto.randomUUID(),
          role: 'ROLE_USER',
          parts: [
            { text: request.message.text },
            ...request.message.inputs.map((input) => ({
              data: { subtask: input.subtaskId, agent: input.agent, skill: input.skill, artifacts: input.artifacts },
            })),
          ],
          metadata: { skillId: request.subtask.skill },
        };
    let taskId = reply?.taskId;
    const onAbort = () => {
      // The subtask's own signal has aborted, so the cancel goes without one.
      if (taskId)
        void client
          .cancelTask({ id: taskId }, { owner: context.owner, caller: context.caller, version: '1.0' })
          .catch(() => {});
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      let stream = await client.sendStreamingMessage({ message }, context);
      for (;;) {
        let state: string | undefined;
        for await (const event of stream) {
          const update = toUpdate(event);
          if (!update) continue;
          if (update.taskId) taskId = update.taskId;
          if (update.kind === 'status') state = update.state;
          yield update;
        }
        // SendStreamingMessage ends when the task is interrupted; a wait for an
        // approval decided elsewhere is followed with SubscribeToTask, which
        // Parley keeps open through TASK_STATE_AUTH_REQUIRED.
        if (signal.aborted || !taskId || state === undefined || !FOLLOW.has(state)) return;
        try {
          stream = await client.subscribeToTask({ id: taskId }, context);
        } catch (error) {
          // The task may have finished between the end of the stream and the subscription.
          const task = await client.getTask({ id: taskId }, context).catch(() => undefined);
          if (!task || FOLLOW.has(task.status.state)) throw error;
          for (const artifact of task.artifacts ?? [])
            yield { kind: 'artifact', artifact: toArtifact(artifact), taskId };
          yield status(task.status.state, task.status.message, task.id, task.contextId);
          return;
        }
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }
}

function toUpdate(event: StreamResponse): SubtaskUpdate | undefined {
  if ('task' in event) {
    const { task } = event;
    return status(task.status.state, task.status.message, task.id, task.contextId);
  }
  if ('statusUpdate' in event) {
    const { statusUpdate } = event;
    return status(statusUpdate.status.state, statusUpdate.status.message, statusUpdate.taskId, statusUpdate.contextId);
  }
  if ('artifactUpdate' in event) {
    return {
      kind: 'artifact',
      artifact: toArtifact(event.artifactUpdate.artifact),
      taskId: event.artifactUpdate.taskId,
    };
  }
  return undefined;
}

function status(state: string, message: Message | undefined, taskId: string, contextId: string): SubtaskUpdate {
  const text = message?.parts.flatMap((part) => ('text' in part && part.text ? [part.text] : [])).join('\n');
  const metadata = (message?.metadata ?? {}) as Record<string, unknown>;
  const approval =
    typeof metadata.approvalId === 'string' || typeof metadata.approvalUrl === 'string'
      ? {
          ...(typeof metadata.approvalId === 'string' ? { id: metadata.approvalId } : {}),
          ...(typeof metadata.approvalUrl === 'string' ? { url: metadata.approvalUrl } : {}),
        }
      : undefined;
  return {
    kind: 'status',
    state: state as TaskState,
    taskId,
    contextId,
    ...(text ? { message: text } : {}),
    ...(approval ? { approval } : {}),
  };
}

function toArtifact(artifact: A2AArtifact): Artifact {
  const parts: Part[] = artifact.parts.map((part) => {
    const out: { text?: string; data?: unknown; url?: string; mediaType?: string; filename?: string } = {};
    if (part.text !== undefined) out.text = part.text;
    if (part.data !== undefined) out.data = part.data;
    if (part.url !== undefined) out.url = part.url;
    if (part.mediaType !== undefined) out.mediaType = part.mediaType;
    if (part.filename !== undefined) out.filename = part.filename;
    return out;
  });
  return {
    artifactId: artifact.artifactId,
    parts,
    ...(artifact.name === undefined ? {} : { name: artifact.name }),
    ...(artifact.description === undefined ? {} : { description: artifact.description }),
  };
}
