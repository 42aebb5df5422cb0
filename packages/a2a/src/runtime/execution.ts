import type { Caller, Logger } from '@parley/core';
import { messageText } from '../bindings/a2a-handler.ts';
import type { AgentSkill } from '../wire/schemas/agent-card.ts';
import type { Message, Part } from '../wire/schemas/core.ts';
import { TaskState } from '../wire/task-state.ts';
import type { LiveExecution } from './agent-runtime.ts';
import type { AgentContext, AgentDefinition, AgentEvent, AgentResult } from './define-agent.ts';
import { TaskRejected } from './define-agent.ts';
import type { TaskManager } from './task-manager.ts';

export interface ExecutionInput {
  readonly agent: AgentDefinition;
  readonly tasks: TaskManager;
  readonly taskId: string;
  readonly skill: AgentSkill;
  readonly caller: Caller | undefined;
  readonly live: LiveExecution;
  readonly logger: Logger;
  readonly credentialFor:
    | ((caller: Caller, audience: string, options: { actor: string; scope?: string }) => Promise<string>)
    | undefined;
}

/** The caller's token is gone (its approval outlived its session): the task fails saying so. */
class CallerSessionEnded extends Error {}

/**
 * Runs an agent's `execute` for one task, storing each yielded update. A run
 * after a restart replays: `requestInput` answers from the follow-ups already
 * in the history before it waits for a new one.
 */
export async function runExecution(input: ExecutionInput): Promise<void> {
  const { agent, tasks, taskId, live } = input;
  const name = agent.name;
  const stored = await tasks.store.get(name, taskId);
  if (!stored) return;
  const { task } = stored;
  const userMessages = (task.history ?? []).filter((message) => message.role === 'ROLE_USER');
  const [first, ...followUps] = userMessages;
  if (!first) return;
  if (task.status.state === TaskState.Submitted) await tasks.setStatus(name, taskId, TaskState.Working);
  const signal = live.controller.signal;
  const context: AgentContext = {
    taskId,
    contextId: task.contextId,
    message: first,
    text: messageText(first),
    skill: input.skill,
    history: task.history ?? [],
    caller: input.caller,
    signal,
    requestInput: (prompt) => {
      const recorded = followUps.shift();
      if (recorded) return Promise.resolve(recorded);
      signal.throwIfAborted();
      return new Promise<Message>((resolve, reject) => {
        live.waiter = resolve;
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        const parts: Part[] = typeof prompt === 'string' ? [{ text: prompt }] : prompt;
        void tasks
          .setStatus(name, taskId, TaskState.InputRequired, {
            messageId: crypto.randomUUID(),
            role: 'ROLE_AGENT',
            parts,
          })
          .catch(reject);
      });
    },
    awaitAuthorization: async (approval, pending) => {
      await tasks.setStatus(name, taskId, TaskState.AuthRequired, {
        messageId: crypto.randomUUID(),
        role: 'ROLE_AGENT',
        parts: [{ text: approval.note ?? `Approval ${approval.id} is required. Approve it at ${approval.url}` }],
        // The same keys the proxy uses when it holds a task, so callers read one shape.
        metadata: { approvalId: approval.id, approvalUrl: approval.url },
      });
      try {
        return await pending;
      } finally {
        if (!signal.aborted) await tasks.setStatus(name, taskId, TaskState.Working).catch(() => {});
      }
    },
    credentialFor: async (audience, options = {}) => {
      if (!input.credentialFor || !input.caller) {
        throw new Error(`agent ${name} is not reached through Parley, so it has no caller to act for`);
      }
      if (input.caller.bearer === '') {
        throw new CallerSessionEnded(
          `the approval outlived the caller's session (Parley restarted while it was pending), so agent ${name} cannot act for the caller; send the message again`,
        );
      }
      return input.credentialFor(input.caller, audience, { actor: name, ...options });
    },
  };
  try {
    const result = await drive(
      agent.execute(context),
      async (event) => {
        if (signal.aborted) return;
        if (event.kind === 'status') {
          const message = agentParts(event.parts);
          if (event.metadata) message.metadata = event.metadata;
          await tasks.setStatus(name, taskId, TaskState.Working, message);
        } else {
          await tasks.addArtifact(name, taskId, event.artifact, event.append ?? false, event.lastChunk);
        }
      },
      signal,
    );
    if (signal.aborted) return;
    await tasks.setStatus(name, taskId, TaskState.Completed, resultMessage(result));
  } catch (error) {
    if (signal.aborted) return;
    if (error instanceof TaskRejected) {
      await tasks.setStatus(name, taskId, TaskState.Rejected, agentParts([{ text: error.message }]));
      return;
    }
    if (error instanceof CallerSessionEnded) {
      await tasks.setStatus(name, taskId, TaskState.Failed, agentParts([{ text: error.message }])).catch(() => {});
      return;
    }
    input.logger.error({ err: error, agent: name, taskId }, 'agent execution failed');
    await tasks
      .setStatus(name, taskId, TaskState.Failed, agentParts([{ text: `agent ${name} failed to complete the task` }]))
      .catch(() => {});
  }
}

async function drive(
  output: AsyncIterable<AgentEvent, AgentResult> | Promise<AgentResult>,
  onEvent: (event: AgentEvent) => Promise<void>,
  signal: AbortSignal,
): Promise<AgentResult> {
  if (!(Symbol.asyncIterator in output)) return output;
  const iterator = output[Symbol.asyncIterator]();
  for (;;) {
    const step = await iterator.next();
    if (step.done) return step.value;
    await onEvent(step.value);
    if (signal.aborted) {
      await iterator.return?.(undefined);
      return undefined;
    }
  }
}

function agentParts(parts: Part[]): Message {
  return { messageId: crypto.randomUUID(), role: 'ROLE_AGENT', parts };
}

function resultMessage(result: AgentResult): Message | undefined {
  if (result === undefined) return undefined;
  if (typeof result === 'string') return agentParts([{ text: result }]);
  return agentParts(result);
}
