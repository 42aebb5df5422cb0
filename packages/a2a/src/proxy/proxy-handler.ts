import type { Caller, GuardDecision, GuardedAction } from '@parley/core';
import type {
  A2AHandler,
  CallContext,
  ListTaskPushNotificationConfigsResponse,
  ListTasksResponse,
} from '../bindings/a2a-handler.ts';
import { messageText } from '../bindings/a2a-handler.ts';
import type { AgentRuntime } from '../runtime/agent-runtime.ts';
import { selectSkill } from '../runtime/select-skill.ts';
import type { TaskManager } from '../runtime/task-manager.ts';
import { viewTask } from '../runtime/task-manager.ts';
import { A2AError, taskNotFound } from '../wire/errors.ts';
import type { AgentCard, AgentSkill } from '../wire/schemas/agent-card.ts';
import type { SendMessageResponse, StreamResponse, Task, TaskPushNotificationConfig } from '../wire/schemas/core.ts';
import type {
  CancelTaskRequest,
  GetTaskPushNotificationConfigRequest,
  GetTaskRequest,
  ListTaskPushNotificationConfigsRequest,
  ListTasksRequest,
  SendMessageRequest,
  SubscribeToTaskRequest,
} from '../wire/schemas/requests.ts';
import { isTerminalState } from '../wire/task-state.ts';
import type { ApprovalFlow } from './approval-flow.ts';
import type { Guard } from './guard.ts';
import type { RemoteTaskOwners } from './remote-task-owners.ts';

/** What the proxy forwards to: a local runtime, or a remote agent's client. */
export type ProxyTarget =
  | { readonly kind: 'local'; readonly name: string; readonly runtime: AgentRuntime }
  | {
      readonly kind: 'remote';
      readonly name: string;
      readonly client: A2AHandler;
      readonly skills: readonly AgentSkill[];
      readonly extendedCard: AgentCard | undefined;
    };

export interface ProxyHandlerOptions {
  readonly target: ProxyTarget;
  readonly guard: Guard;
  readonly approvals: ApprovalFlow;
  /** The proxy route's URL, the audience callers' tokens are bound to. */
  readonly audience: string;
  readonly tasks: TaskManager;
  readonly remoteOwners: RemoteTaskOwners;
  /** Longest actor chain a request may carry, counting the proxy's own exchange for a remote agent. */
  readonly maxDelegationDepth: number;
}

/**
 * `/a2a/<agent>`: every operation decided by policy per skill (SendMessage)
 * or per agent (task operations), approvals held as TASK_STATE_AUTH_REQUIRED,
 * outcomes recorded; callers see only their own tasks.
 * @see DESIGN.md, "The request pipeline"
 */
export class ProxyHandler implements A2AHandler {
  readonly #o: ProxyHandlerOptions;
  constructor(options: ProxyHandlerOptions) {
    this.#o = options;
  }

  get #name(): string {
    return this.#o.target.name;
  }

  async sendMessage(request: SendMessageRequest, context: CallContext): Promise<SendMessageResponse> {
    const decided = await this.#decideMessage(request, context);
    if ('held' in decided) return { task: decided.held };
    const { caller, action, decision, started } = decided;
    return this.#o.guard.runDecided(caller, action, decision, started, async () => {
      if (request.message.taskId) await this.#checkOwner(request.message.taskId, context);
      const target = this.#o.target;
      if (target.kind === 'local') return target.runtime.sendMessage(request, context);
      const response = await target.client.sendMessage(request, context);
      if ('task' in response) await this.#o.remoteOwners.record(this.#name, response.task.id, context.owner);
      return response;
    });
  }

  async sendStreamingMessage(
    request: SendMessageRequest,
    context: CallContext,
  ): Promise<AsyncIterable<StreamResponse>> {
    const decided = await this.#decideMessage(request, context);
    if ('held' in decided) {
      const task = decided.held;
      return (async function* () {
        yield { task };
      })();
    }
    const { caller, action, decision, started } = decided;
    return this.#o.guard.runDecided(caller, action, decision, started, async () => {
      if (request.message.taskId) await this.#checkOwner(request.message.taskId, context);
      const target = this.#o.target;
      if (target.kind === 'local') return target.runtime.sendStreamingMessage(request, context);
      const stream = await target.client.sendStreamingMessage(request, context);
      return this.#recordingOwner(stream, context.owner);
    });
  }

  /**
   * SendMessage's decide and approve steps, shared by both bindings: a message
   * needing approval is held (TASK_STATE_AUTH_REQUIRED) and recorded as pending.
   */
  async #decideMessage(
    request: SendMessageRequest,
    context: CallContext,
  ): Promise<{ held: Task } | { caller: Caller; action: GuardedAction; decision: GuardDecision; started: number }> {
    const { action, skill } = this.#messageAction(request);
    const caller = await this.#callerWithin(context, action);
    const started = Date.now();
    const decision = await this.#o.guard.decide(caller, action);
    if (decision.effect !== 'approval-required') return { caller, action, decision, started };
    const held = await this.#o.approvals.hold(this.#o.target, request, context, skill, action, decision.approval);
    await this.#o.guard.record({ caller, action, decision, outcome: 'pending', latencyMs: Date.now() - started });
    return { held };
  }

  async getTask(request: GetTaskRequest, context: CallContext): Promise<Task> {
    return this.#taskOperation('GetTask', request.id, context, async (held) =>
      held ? viewTask(held, request.historyLength) : this.#handler().getTask(request, context),
    );
  }

  async listTasks(request: ListTasksRequest, context: CallContext): Promise<ListTasksResponse> {
    const action = this.#agentAction('ListTasks');
    const caller = await this.#callerWithin(context, action);
    return this.#o.guard.run(caller, action, async () => {
      const target = this.#o.target;
      if (target.kind === 'local') return target.runtime.listTasks(request, context);
      const response = await target.client.listTasks(request, context);
      const owned = await this.#o.remoteOwners.owned(
        this.#name,
        context.owner,
        response.tasks.map((task) => task.id),
      );
      const tasks = response.tasks.filter((task) => owned.has(task.id));
      return { ...response, tasks, totalSize: tasks.length };
    });
  }

  async cancelTask(request: CancelTaskRequest, context: CallContext): Promise<Task> {
    return this.#taskOperation('CancelTask', request.id, context, async (held) => {
      if (!held) return this.#handler().cancelTask(request, context);
      if (isTerminalState(held.status.state)) {
        throw new A2AError('TaskNotCancelableError', `task ${held.id} is already ${held.status.state}`);
      }
      return this.#o.approvals.cancelHeld(this.#o.target, held, context);
    });
  }

  async subscribeToTask(request: SubscribeToTaskRequest, context: CallContext): Promise<AsyncIterable<StreamResponse>> {
    return this.#taskOperation('SubscribeToTask', request.id, context, async (held) => {
      if (!held) return this.#handler().subscribeToTask(request, context);
      if (isTerminalState(held.status.state)) {
        throw new A2AError('UnsupportedOperationError', `task ${held.id} is ${held.status.state}`);
      }
      return this.#o.tasks.follow(this.#name, held.id, context.owner, { throughAuthRequired: true });
    });
  }

  createTaskPushNotificationConfig(request: TaskPushNotificationConfig, context: CallContext) {
    return this.#taskOperation('CreateTaskPushNotificationConfig', request.taskId, context, () =>
      this.#handler().createTaskPushNotificationConfig(request, context),
    );
  }

  getTaskPushNotificationConfig(request: GetTaskPushNotificationConfigRequest, context: CallContext) {
    return this.#taskOperation('GetTaskPushNotificationConfig', request.taskId, context, () =>
      this.#handler().getTaskPushNotificationConfig(request, context),
    );
  }

  listTaskPushNotificationConfigs(
    request: ListTaskPushNotificationConfigsRequest,
    context: CallContext,
  ): Promise<ListTaskPushNotificationConfigsResponse> {
    return this.#taskOperation('ListTaskPushNotificationConfigs', request.taskId, context, () =>
      this.#handler().listTaskPushNotificationConfigs(request, context),
    );
  }

  deleteTaskPushNotificationConfig(request: GetTaskPushNotificationConfigRequest, context: CallContext) {
    return this.#taskOperation('DeleteTaskPushNotificationConfig', request.taskId, context, () =>
      this.#handler().deleteTaskPushNotificationConfig(request, context),
    );
  }

  async getExtendedAgentCard(context: CallContext): Promise<AgentCard> {
    const action = this.#agentAction('GetExtendedAgentCard');
    const caller = await this.#callerWithin(context, action);
    return this.#o.guard.run(caller, action, async () => {
      const target = this.#o.target;
      if (target.kind === 'local') return target.runtime.getExtendedAgentCard(context);
      if (!target.extendedCard) {
        throw new A2AError('ExtendedAgentCardNotConfiguredError', `agent ${this.#name} has no extended card`);
      }
      return target.extendedCard;
    });
  }

  #handler(): A2AHandler {
    const target = this.#o.target;
    return target.kind === 'local' ? target.runtime : target.client;
  }

  /** Decides a task operation, checks the caller owns the task, then runs it (held tasks passed in). */
  async #taskOperation<T>(
    action: string,
    taskId: string,
    context: CallContext,
    operation: (held: Task | undefined) => Promise<T>,
  ): Promise<T> {
    const guarded = this.#agentAction(action);
    const caller = await this.#callerWithin(context, guarded);
    return this.#o.guard.run(caller, guarded, async () => {
      const held = await this.#checkOwner(taskId, context);
      return operation(held);
    });
  }

  /** TaskNotFoundError unless the caller owns the task; returns the proxy-held task of a remote agent, if any. */
  async #checkOwner(taskId: string, context: CallContext): Promise<Task | undefined> {
    if (this.#o.target.kind === 'local') return undefined;
    const held = await this.#o.tasks.store.get(this.#name, taskId);
    if (held) {
      if (held.owner !== context.owner) throw taskNotFound(taskId);
      return held.task;
    }
    const owner = await this.#o.remoteOwners.ownerOf(this.#name, taskId);
    if (owner !== context.owner) throw taskNotFound(taskId);
    return undefined;
  }

  /**
   * The authenticated caller, unless its actor chain is already as deep as
   * delegation may go: forwarding to a remote agent adds Parley as one more
   * actor, so that chain must stay within `maxDelegationDepth` too.
   */
  async #callerWithin(context: CallContext, action: GuardedAction): Promise<Caller> {
    const caller = callerOf(context);
    const depth = caller.actorChain.length + (this.#o.target.kind === 'remote' ? 1 : 0);
    const limit = this.#o.maxDelegationDepth;
    if (depth <= limit) return caller;
    const reason = `the delegation chain would be ${depth} actors deep; the limit is ${limit}`;
    await this.#o.guard.record({ caller, action, decision: undefined, outcome: 'denied', error: reason, latencyMs: 0 });
    throw new A2AError('PermissionDeniedError', `not permitted: ${reason}`, {
      metadata: { delegationDepth: String(depth), maxDelegationDepth: String(limit) },
    });
  }

  #messageAction(request: SendMessageRequest): { action: GuardedAction; skill: AgentSkill } {
    const target = this.#o.target;
    const skill =
      target.kind === 'local'
        ? target.runtime.skillFor(request)
        : selectSkill(target.skills, {
            skillId: request.message.metadata?.skillId ?? request.metadata?.skillId,
            text: messageText(request.message),
          });
    if (!skill) throw new A2AError('InvalidParamsError', `agent ${this.#name} has no such skill`);
    const action: GuardedAction = {
      protocol: 'a2a',
      action: 'SendMessage',
      resource: { type: 'Skill', id: skill.id },
      parents: [{ type: 'A2AAgent', id: this.#name }],
      arguments: {
        text: messageText(request.message),
        parts: request.message.parts,
        ...(request.message.taskId ? { taskId: request.message.taskId } : {}),
      },
      audience: this.#o.audience,
    };
    return { action, skill };
  }

  #agentAction(action: string): GuardedAction {
    return { protocol: 'a2a', action, resource: { type: 'A2AAgent', id: this.#name }, audience: this.#o.audience };
  }

  async *#recordingOwner(stream: AsyncIterable<StreamResponse>, owner: string): AsyncIterable<StreamResponse> {
    let recorded = false;
    for await (const event of stream) {
      const taskId = 'task' in event ? event.task.id : 'statusUpdate' in event ? event.statusUpdate.taskId : undefined;
      if (!recorded && taskId) {
        await this.#o.remoteOwners.record(this.#name, taskId, owner);
        recorded = true;
      }
      yield event;
    }
  }
}

function callerOf(context: CallContext): Caller {
  if (!context.caller) throw new A2AError('UnauthenticatedError', 'authentication required');
  return context.caller;
}
