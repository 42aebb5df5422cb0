import type { Caller, Logger } from '@parley/core';
import type {
  A2AHandler,
  CallContext,
  ListTaskPushNotificationConfigsResponse,
  ListTasksResponse,
} from '../bindings/a2a-handler.ts';
import { messageText } from '../bindings/a2a-handler.ts';
import { A2AError } from '../wire/errors.ts';
import type { AgentCard, AgentSkill } from '../wire/schemas/agent-card.ts';
import type {
  Message,
  SendMessageResponse,
  StreamResponse,
  Task,
  TaskPushNotificationConfig,
} from '../wire/schemas/core.ts';
import type {
  CancelTaskRequest,
  GetTaskPushNotificationConfigRequest,
  GetTaskRequest,
  ListTaskPushNotificationConfigsRequest,
  ListTasksRequest,
  SendMessageRequest,
  SubscribeToTaskRequest,
} from '../wire/schemas/requests.ts';
import { isTerminalState, TaskState } from '../wire/task-state.ts';
import type { AgentDefinition } from './define-agent.ts';
import { runExecution } from './execution.ts';
import type { PushConfigService } from './push-config-service.ts';
import { selectSkill } from './select-skill.ts';
import type { TaskManager } from './task-manager.ts';
import { viewTask } from './task-manager.ts';
import type { StoredTask } from './task-store.ts';

export interface AgentRuntimeOptions {
  readonly agent: AgentDefinition;
  readonly tasks: TaskManager;
  readonly logger: Logger;
  /** Push-notification configs; absent means the agent does not support push. */
  readonly push?: PushConfigService | undefined;
  /** The extended card, for authenticated callers. */
  readonly extendedCard?: (() => Promise<AgentCard>) | undefined;
  /** Token exchange for the agent's own outbound calls (the pipeline's `credentialFor`). */
  readonly credentialFor?:
    | ((caller: Caller, audience: string, options: { actor: string; scope?: string }) => Promise<string>)
    | undefined;
}

/** A run in progress: how to cancel it, and who waits for the caller's input. */
export interface LiveExecution {
  readonly controller: AbortController;
  waiter: ((message: Message) => void) | undefined;
}

/**
 * Serves one defined agent: tasks in the store, `execute` runs in the
 * background, streams follow the stored events.
 * @see https://a2a-protocol.org/v1.0.0/specification/#3-a2a-protocol-operations
 */
export class AgentRuntime implements A2AHandler {
  readonly agent: AgentDefinition;
  readonly tasks: TaskManager;
  readonly #options: AgentRuntimeOptions;
  readonly #live = new Map<string, LiveExecution>();

  constructor(options: AgentRuntimeOptions) {
    this.agent = options.agent;
    this.tasks = options.tasks;
    this.#options = options;
  }

  get name(): string {
    return this.agent.name;
  }

  /** The skill a request is for; InvalidParamsError for an unknown `skillId`. */
  skillFor(request: SendMessageRequest): AgentSkill {
    const skillId = request.message.metadata?.skillId ?? request.metadata?.skillId;
    const skill = selectSkill(this.agent.skills, {
      skillId,
      text: messageText(request.message),
      defaultSkill: this.agent.defaultSkill,
    });
    if (!skill)
      throw new A2AError('InvalidParamsError', `agent ${this.name} has no skill ${String(skillId).slice(0, 80)}`);
    return skill;
  }

  async sendMessage(request: SendMessageRequest, context: CallContext): Promise<SendMessageResponse> {
    const stream = await this.#begin(request, context);
    if (request.configuration?.returnImmediately) {
      const first = await stream.next();
      await stream.return?.();
      const task = (first.value as { task: Task }).task;
      return { task: viewTask(task, request.configuration.historyLength) };
    }
    let taskId = '';
    for await (const event of stream) if ('task' in event) taskId = event.task.id;
    const stored = await this.tasks.get(this.name, taskId, context.owner);
    return { task: viewTask(stored.task, request.configuration?.historyLength) };
  }

  async *sendStreamingMessage(request: SendMessageRequest, context: CallContext): AsyncIterable<StreamResponse> {
    yield* await this.#begin(request, context);
  }

  async getTask(request: GetTaskRequest, context: CallContext): Promise<Task> {
    const stored = await this.tasks.get(this.name, request.id, context.owner);
    return viewTask(stored.task, request.historyLength);
  }

  listTasks(request: ListTasksRequest, context: CallContext): Promise<ListTasksResponse> {
    return this.tasks.list(this.name, context.owner, request);
  }

  async cancelTask(request: CancelTaskRequest, context: CallContext): Promise<Task> {
    const stored = await this.tasks.get(this.name, request.id, context.owner);
    if (isTerminalState(stored.task.status.state)) {
      throw new A2AError('TaskNotCancelableError', `task ${request.id} is already ${stored.task.status.state}`);
    }
    const canceled = await this.tasks.setStatus(this.name, request.id, TaskState.Canceled);
    this.#live.get(request.id)?.controller.abort();
    if (!canceled) {
      throw new A2AError('TaskNotCancelableError', `task ${request.id} finished before it could be canceled`);
    }
    return canceled.task;
  }

  async subscribeToTask(request: SubscribeToTaskRequest, context: CallContext): Promise<AsyncIterable<StreamResponse>> {
    const stored = await this.tasks.get(this.name, request.id, context.owner);
    if (isTerminalState(stored.task.status.state)) {
      throw new A2AError('UnsupportedOperationError', `task ${request.id} is ${stored.task.status.state}`);
    }
    return this.tasks.follow(this.name, request.id, context.owner, { throughAuthRequired: true });
  }

  async createTaskPushNotificationConfig(
    request: TaskPushNotificationConfig,
    context: CallContext,
  ): Promise<TaskPushNotificationConfig> {
    await this.tasks.get(this.name, request.taskId, context.owner);
    return this.#push().create(this.name, context.owner, request, context.version);
  }

  async getTaskPushNotificationConfig(
    request: GetTaskPushNotificationConfigRequest,
    context: CallContext,
  ): Promise<TaskPushNotificationConfig> {
    await this.tasks.get(this.name, request.taskId, context.owner);
    return this.#push().get(this.name, request.taskId, request.id);
  }

  async listTaskPushNotificationConfigs(
    request: ListTaskPushNotificationConfigsRequest,
    context: CallContext,
  ): Promise<ListTaskPushNotificationConfigsResponse> {
    await this.tasks.get(this.name, request.taskId, context.owner);
    return { configs: await this.#push().list(this.name, request.taskId), nextPageToken: '' };
  }

  async deleteTaskPushNotificationConfig(
    request: GetTaskPushNotificationConfigRequest,
    context: CallContext,
  ): Promise<void> {
    await this.tasks.get(this.name, request.taskId, context.owner);
    await this.#push().delete(this.name, request.taskId, request.id);
  }

  async getExtendedAgentCard(context: CallContext): Promise<AgentCard> {
    if (!this.#options.extendedCard) {
      throw new A2AError('ExtendedAgentCardNotConfiguredError', `agent ${this.name} has no extended card`);
    }
    if (!context.caller) throw new A2AError('UnauthenticatedError', 'the extended card needs an authenticated caller');
    return this.#options.extendedCard();
  }

  /**
   * Creates a task that waits for a human (TASK_STATE_AUTH_REQUIRED with
   * `note`); `release` runs it, `settle` ends it. Used by the proxy for approvals.
   */
  async hold(request: SendMessageRequest, context: CallContext, note: Message): Promise<StoredTask> {
    if (request.message.taskId) {
      throw new A2AError('UnsupportedOperationError', 'a follow-up message cannot wait for approval');
    }
    return this.tasks.create(this.name, context.owner, request.message, TaskState.AuthRequired, note);
  }

  /** Runs a held task (its approval was granted). */
  async release(taskId: string, skill: AgentSkill, caller: Caller | undefined): Promise<void> {
    const stored = await this.tasks.setStatus(this.name, taskId, TaskState.Working);
    if (stored) this.#run(taskId, skill, caller);
  }

  /** Ends a held task (approval denied or expired). */
  async settle(taskId: string, state: TaskState, text: string): Promise<void> {
    await this.tasks.setStatus(this.name, taskId, state, agentMessage(text));
  }

  /** Stops every run (server shutdown); their tasks stay as they are in the store. */
  stop(): void {
    for (const live of this.#live.values()) live.controller.abort();
  }

  async #begin(request: SendMessageRequest, context: CallContext): Promise<AsyncIterableIterator<StreamResponse>> {
    const skill = this.skillFor(request);
    const { message } = request;
    if (message.taskId) return this.#continue(message.taskId, message, skill, context);
    const stored = await this.tasks.create(this.name, context.owner, message, TaskState.Submitted);
    const pushConfig = request.configuration?.taskPushNotificationConfig;
    if (pushConfig) {
      await this.#push().create(this.name, context.owner, { ...pushConfig, taskId: stored.task.id }, context.version);
    }
    const stream = await this.tasks.follow(this.name, stored.task.id, context.owner);
    this.#run(stored.task.id, skill, context.caller);
    return stream;
  }

  async #continue(
    taskId: string,
    message: Message,
    skill: AgentSkill,
    context: CallContext,
  ): Promise<AsyncIterableIterator<StreamResponse>> {
    const stored = await this.tasks.get(this.name, taskId, context.owner);
    const state = stored.task.status.state;
    if (isTerminalState(state)) throw new A2AError('UnsupportedOperationError', `task ${taskId} is already ${state}`);
    if (state !== TaskState.InputRequired) {
      throw new A2AError('UnsupportedOperationError', `task ${taskId} is ${state}, not waiting for input`);
    }
    if (message.contextId && message.contextId !== stored.task.contextId) {
      throw new A2AError('InvalidParamsError', `contextId does not match task ${taskId}`);
    }
    const updated = await this.tasks.addUserMessage(this.name, taskId, message, TaskState.Working);
    if (!updated) throw new A2AError('UnsupportedOperationError', `task ${taskId} has finished`);
    const stream = await this.tasks.follow(this.name, taskId, context.owner);
    const live = this.#live.get(taskId);
    if (live?.waiter) {
      const waiter = live.waiter;
      live.waiter = undefined;
      waiter({ ...message, taskId, contextId: stored.task.contextId });
    } else {
      // No run in memory (the server restarted while waiting): run again,
      // answering requestInput from the recorded follow-ups.
      this.#run(taskId, skill, context.caller);
    }
    return stream;
  }

  #run(taskId: string, skill: AgentSkill, caller: Caller | undefined): void {
    const live: LiveExecution = { controller: new AbortController(), waiter: undefined };
    this.#live.set(taskId, live);
    void runExecution({
      agent: this.agent,
      tasks: this.tasks,
      taskId,
      skill,
      caller,
      live,
      logger: this.#options.logger,
      credentialFor: this.#options.credentialFor,
    }).finally(() => {
      if (this.#live.get(taskId) === live) this.#live.delete(taskId);
    });
  }

  #push(): PushConfigService {
    if (!this.#options.push) {
      throw new A2AError('PushNotificationNotSupportedError', `agent ${this.name} does not support push notifications`);
    }
    return this.#options.push;
  }
}

/** An agent message holding `text`. */
export function agentMessage(text: string): Message {
  return { messageId: crypto.randomUUID(), role: 'ROLE_AGENT', parts: [{ text }] };
}
