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
import { followTask } from './follow-task.ts';

export interface A2ASubtaskRunnerOptions {
  /** A fresh token for `audience`, exchanged from the user's with the concierge as actor (act). */
  credentialFor(audience: string): Promise<string>;
  caller: Caller | undefined;
  fetch: FetchFunction;
}

/**
 * Sends subtasks to agents over A2A (SendStreamingMessage through Parley's
 * proxy), each call with its own audience-bound token, following the task
 * through approvals (`followTask`); cancels the remote task when the subtask
 * is aborted.
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
    for await (const event of followTask(client, message, context)) {
      const update = toUpdate(event);
      if (update) yield update;
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
