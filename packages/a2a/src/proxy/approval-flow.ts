import type { Caller, GuardedAction, Logger, RequestPipeline } from '@parley/core';
import type { CallContext } from '../bindings/a2a-handler.ts';
import type { TaskManager } from '../runtime/task-manager.ts';
import type { AgentSkill } from '../wire/schemas/agent-card.ts';
import type { Message, Task } from '../wire/schemas/core.ts';
import type { SendMessageRequest } from '../wire/schemas/requests.ts';
import { TaskState } from '../wire/task-state.ts';
import type { Guard } from './guard.ts';
import type { HeldTask, HeldTasks } from './held-tasks.ts';
import type { ProxyTarget } from './proxy-handler.ts';
import type { RemoteTaskOwners } from './remote-task-owners.ts';

/**
 * Human approval for a message: the task waits in TASK_STATE_AUTH_REQUIRED
 * with a message naming the approval and its URL; when approved (and the
 * approval consumed for exactly this caller and action) the agent runs,
 * when denied the task is REJECTED, when expired FAILED. For a remote agent
 * the proxy holds the task and, once approved, mirrors the remote task into it.
 * Held tasks are kept in the store, so the wait resumes after a restart
 * (`resume`); the caller's token is not kept, so what needs it then fails
 * the task saying the approval outlived the caller's session.
 * @see DESIGN.md, "Approvals"
 */
export class ApprovalFlow {
  readonly #pipeline: RequestPipeline;
  readonly #guard: Guard;
  readonly #tasks: TaskManager;
  readonly #remoteOwners: RemoteTaskOwners;
  readonly #held: HeldTasks;
  readonly #logger: Logger;
  readonly #stop = new AbortController();
  /** held task id -> remote task id, for tasks mirrored from a remote agent. */
  readonly #mirrored = new Map<string, string>();

  constructor(options: {
    pipeline: RequestPipeline;
    guard: Guard;
    tasks: TaskManager;
    remoteOwners: RemoteTaskOwners;
    held: HeldTasks;
    logger: Logger;
  }) {
    this.#pipeline = options.pipeline;
    this.#guard = options.guard;
    this.#tasks = options.tasks;
    this.#remoteOwners = options.remoteOwners;
    this.#held = options.held;
    this.#logger = options.logger;
  }

  async hold(
    target: ProxyTarget,
    request: SendMessageRequest,
    context: CallContext,
    skill: AgentSkill,
    action: GuardedAction,
    approval: { id: string; url: string; expiresAt: number },
  ): Promise<Task> {
    const note: Message = {
      messageId: crypto.randomUUID(),
      role: 'ROLE_AGENT',
      parts: [
        {
          text: `Approval ${approval.id} is required before ${target.name} runs ${skill.id}. Approve it at ${approval.url}`,
        },
      ],
      metadata: {
        approvalId: approval.id,
        approvalUrl: approval.url,
        approvalExpiresAt: new Date(approval.expiresAt).toISOString(),
      },
    };
    const caller = context.caller as Caller;
    const stored =
      target.kind === 'local'
        ? await target.runtime.hold(request, context, note)
        : await this.#tasks.create(target.name, context.owner, request.message, TaskState.AuthRequired, note);
    const held: HeldTask = {
      agent: target.name,
      taskId: stored.task.id,
      approvalId: approval.id,
      skillId: skill.id,
      caller,
      action,
      request,
    };
    await this.#held.add(held);
    void this.#await(target, held, skill, context.owner);
    return stored.task;
  }

  /**
   * Waits again for the approvals of tasks held when the server stopped.
   * `resolve` finds the agent a task belongs to; a task whose agent or skill
   * is gone fails.
   */
  async resume(resolve: (agent: string) => Promise<ProxyTarget | undefined>): Promise<void> {
    for (const held of await this.#held.list()) {
      try {
        const stored = await this.#tasks.store.get(held.agent, held.taskId);
        if (stored?.task.status.state !== TaskState.AuthRequired) {
          await this.#held.remove(held.agent, held.taskId);
          continue;
        }
        const target = await resolve(held.agent);
        const skills = target?.kind === 'local' ? target.runtime.agent.skills : (target?.skills ?? []);
        const skill = skills.find((candidate) => candidate.id === held.skillId);
        if (!target || !skill) {
          await this.#finish(held, TaskState.Failed, `agent ${held.agent} no longer offers skill ${held.skillId}`);
          continue;
        }
        void this.#await(target, held, skill, stored.owner);
      } catch (error) {
        this.#logger.error({ err: error, taskId: held.taskId }, 'held A2A task could not resume waiting');
      }
    }
  }

  /** Cancels a task the proxy holds (and the remote task it mirrors). */
  async cancelHeld(target: ProxyTarget, held: Task, context: CallContext): Promise<Task> {
    const remoteId = this.#mirrored.get(held.id);
    if (remoteId && target.kind === 'remote') {
      await target.client.cancelTask({ id: remoteId }, context).catch(() => {});
    }
    const canceled = await this.#tasks.setStatus(target.name, held.id, TaskState.Canceled);
    await this.#held.remove(target.name, held.id);
    return canceled?.task ?? held;
  }

  /** Stops waiting (shutdown); held tasks stay AUTH_REQUIRED in the store. */
  stop(): void {
    this.#stop.abort();
  }

  async #await(target: ProxyTarget, held: HeldTask, skill: AgentSkill, owner: string): Promise<void> {
    const { taskId, caller, action, approvalId, request } = held;
    const started = Date.now();
    let outcome: Awaited<ReturnType<RequestPipeline['waitForApproval']>>;
    try {
      outcome = await this.#pipeline.waitForApproval(approvalId, this.#stop.signal);
    } catch (error) {
      // Stopping leaves the task held for the next start; an unknown approval ends it.
      if (this.#stop.signal.aborted) return;
      outcome = 'expired';
      this.#logger.warn({ err: error, taskId, approvalId }, 'approval of a held A2A task is unknown');
    }
    const decision = { effect: 'allow', policies: [], approvalId } as const;
    try {
      // After a restart the caller's token is gone: a remote agent cannot be called on its behalf.
      const sessionEnded = caller.bearer === '' && target.kind === 'remote';
      if (
        outcome === 'approved' &&
        !sessionEnded &&
        (await this.#pipeline.consumeApproval(approvalId, caller, action))
      ) {
        await this.#held.remove(target.name, taskId);
        await this.#guard.record({ caller, action, decision, outcome: 'ok', latencyMs: Date.now() - started });
        if (target.kind === 'local') await target.runtime.release(taskId, skill, caller);
        else await this.#mirror(target, taskId, request, { owner, caller, version: '1.0' });
        return;
      }
      const text =
        outcome === 'denied'
          ? `approval ${approvalId} was denied`
          : outcome === 'expired'
            ? `approval ${approvalId} expired`
            : sessionEnded
              ? `approval ${approvalId} outlived the caller's session (Parley restarted while it was pending); send the message again`
              : `approval ${approvalId} does not match this request`;
      await this.#finish(held, outcome === 'denied' ? TaskState.Rejected : TaskState.Failed, text);
      await this.#guard.record({
        caller,
        action,
        decision: undefined,
        outcome: 'denied',
        error: text,
        latencyMs: Date.now() - started,
      });
    } catch (error) {
      this.#logger.error({ err: error, taskId }, 'approved A2A task failed to start');
      await this.#tasks.setStatus(target.name, taskId, TaskState.Failed).catch(() => {});
    }
  }

  async #finish(held: HeldTask, state: TaskState, text: string): Promise<void> {
    await this.#tasks.setStatus(held.agent, held.taskId, state, {
      messageId: crypto.randomUUID(),
      role: 'ROLE_AGENT',
      parts: [{ text }],
    });
    await this.#held.remove(held.agent, held.taskId);
  }

  async #mirror(
    target: Extract<ProxyTarget, { kind: 'remote' }>,
    heldId: string,
    request: SendMessageRequest,
    context: CallContext,
  ): Promise<void> {
    await this.#tasks.setStatus(target.name, heldId, TaskState.Working);
    const { taskId: _none, ...message } = request.message;
    const stream = await target.client.sendStreamingMessage({ ...request, message }, context);
    for await (const event of stream) {
      if ('task' in event) {
        this.#mirrored.set(heldId, event.task.id);
        await this.#remoteOwners.record(target.name, event.task.id, context.owner);
        continue;
      }
      if ('message' in event) {
        await this.#tasks.setStatus(target.name, heldId, TaskState.Completed, event.message);
      } else if ('statusUpdate' in event) {
        const { status } = event.statusUpdate;
        await this.#tasks.setStatus(target.name, heldId, status.state, status.message);
      } else {
        const update = event.artifactUpdate;
        await this.#tasks.addArtifact(target.name, heldId, update.artifact, update.append ?? false, update.lastChunk);
      }
    }
  }
}
