import type { Clock } from '@parley/core';
import type { ListTasksResponse } from '../bindings/a2a-handler.ts';
import { A2AError, taskNotFound } from '../wire/errors.ts';
import type { Artifact, Message, StreamResponse, Task } from '../wire/schemas/core.ts';
import type { ListTasksRequest } from '../wire/schemas/requests.ts';
import { isFinalForStream, isTerminalState, TaskState } from '../wire/task-state.ts';
import { AsyncQueue, type TaskEvents } from './task-events.ts';
import type { StoredTask, TaskStore } from './task-store.ts';

/** Called after every stored change (push notifications listen here). */
export type TaskChangeListener = (agent: string, stored: StoredTask, event: StreamResponse) => void;

/**
 * The task lifecycle shared by the agent runtime and the proxy: create,
 * change state, add artifacts, and follow a task as a stream, every change
 * stored first and then published with its sequence number.
 * @see https://a2a-protocol.org/v1.0.0/specification/#41-task
 */
export class TaskManager {
  readonly store: TaskStore;
  readonly #events: TaskEvents;
  readonly #clock: Clock;
  readonly #listeners: TaskChangeListener[] = [];

  constructor(options: { store: TaskStore; events: TaskEvents; clock: Clock }) {
    this.store = options.store;
    this.#events = options.events;
    this.#clock = options.clock;
  }

  onChange(listener: TaskChangeListener): void {
    this.#listeners.push(listener);
  }

  /** A new task holding `message`, in `state`. */
  async create(
    agent: string,
    owner: string,
    message: Message,
    state: TaskState,
    statusMessage?: Message,
  ): Promise<StoredTask> {
    const id = crypto.randomUUID();
    const contextId = message.contextId ?? crypto.randomUUID();
    const first: Message = { ...message, taskId: id, contextId };
    const task: Task = {
      id,
      contextId,
      status: {
        state,
        timestamp: this.#timestamp(),
        ...(statusMessage ? { message: this.#own(statusMessage, id, contextId) } : {}),
      },
      history: statusMessage ? [first, this.#own(statusMessage, id, contextId)] : [first],
      artifacts: [],
    };
    const stored = await this.store.insert(agent, owner, task);
    this.#changed(agent, stored, { task });
    return stored;
  }

  /** The task, if `owner` owns it; otherwise TaskNotFoundError (existence is not revealed). */
  async get(agent: string, id: string, owner: string): Promise<StoredTask> {
    const stored = await this.store.get(agent, id);
    if (!stored || stored.owner !== owner) throw taskNotFound(id);
    return stored;
  }

  /** Moves the task to `state`; a terminal task is left alone (returns undefined). */
  async setStatus(agent: string, id: string, state: TaskState, message?: Message): Promise<StoredTask | undefined> {
    const stored = await this.store.update(agent, id, (task) => {
      if (isTerminalState(task.status.state)) return undefined;
      const own = message ? this.#own(message, task.id, task.contextId) : undefined;
      task.status = { state, timestamp: this.#timestamp(), ...(own ? { message: own } : {}) };
      if (own) task.history = [...(task.history ?? []), own];
      return task;
    });
    if (stored) this.#statusChanged(agent, stored);
    return stored;
  }

  /** Records a user's follow-up message and moves the task to `state`. */
  async addUserMessage(agent: string, id: string, message: Message, state: TaskState): Promise<StoredTask | undefined> {
    const stored = await this.store.update(agent, id, (task) => {
      if (isTerminalState(task.status.state)) return undefined;
      task.history = [...(task.history ?? []), { ...message, taskId: task.id, contextId: task.contextId }];
      task.status = { state, timestamp: this.#timestamp() };
      return task;
    });
    if (stored) this.#statusChanged(agent, stored);
    return stored;
  }

  #statusChanged(agent: string, stored: StoredTask): void {
    const { task } = stored;
    this.#changed(agent, stored, { statusUpdate: { taskId: task.id, contextId: task.contextId, status: task.status } });
  }

  /** Adds an artifact, or with `append` extends the one with the same id. */
  async addArtifact(agent: string, id: string, artifact: Artifact, append = false, lastChunk?: boolean): Promise<void> {
    const stored = await this.store.update(agent, id, (task) => {
      if (isTerminalState(task.status.state)) return undefined;
      const artifacts = task.artifacts ?? [];
      const existing = artifacts.findIndex((item) => item.artifactId === artifact.artifactId);
      const current = artifacts[existing];
      if (existing < 0 || !current) artifacts.push(artifact);
      else artifacts[existing] = append ? { ...current, parts: [...current.parts, ...artifact.parts] } : artifact;
      task.artifacts = artifacts;
      return task;
    });
    if (stored) {
      const { task } = stored;
      this.#changed(agent, stored, {
        artifactUpdate: {
          taskId: task.id,
          contextId: task.contextId,
          artifact,
          ...(append ? { append } : {}),
          ...(lastChunk === undefined ? {} : { lastChunk }),
        },
      });
    }
  }

  /**
   * Follows a task: the current task first, then every later event in order,
   * ending after a terminal or interrupted state. Subscribes before reading
   * the snapshot, so no event falls in between.
   */
  async follow(
    agent: string,
    id: string,
    owner: string,
    options: { throughAuthRequired?: boolean } = {},
  ): Promise<AsyncIterableIterator<StreamResponse>> {
    // A subscriber keeps following through TASK_STATE_AUTH_REQUIRED: that wait is
    // resolved out of band (a human approves), not by the subscriber, so the task
    // goes on and the subscriber wants to see it finish.
    const ends = (state: TaskState) =>
      options.throughAuthRequired && state === TaskState.AuthRequired ? false : isFinalForStream(state);
    let unsubscribe: () => void = () => {};
    const queue = new AsyncQueue<StreamResponse>(() => unsubscribe());
    let lastSeq = Number.POSITIVE_INFINITY;
    const early: Array<{ seq: number; event: StreamResponse }> = [];
    const deliver = (seq: number, event: StreamResponse) => {
      if (seq <= lastSeq) return;
      lastSeq = seq;
      queue.push(event);
      if ('statusUpdate' in event && ends(event.statusUpdate.status.state)) {
        queue.end();
        unsubscribe();
      }
    };
    unsubscribe = await this.#events.subscribe(agent, id, (event) => {
      if (lastSeq === Number.POSITIVE_INFINITY) early.push(event);
      else deliver(event.seq, event.event);
    });
    let stored: StoredTask;
    try {
      stored = await this.get(agent, id, owner);
    } catch (error) {
      unsubscribe();
      throw error;
    }
    lastSeq = stored.seq;
    queue.push({ task: stored.task });
    if (ends(stored.task.status.state)) {
      queue.end();
      unsubscribe();
      return queue;
    }
    for (const event of early) deliver(event.seq, event.event);
    return queue;
  }

  async list(agent: string, owner: string, request: ListTasksRequest): Promise<ListTasksResponse> {
    const pageSize = request.pageSize ?? 50;
    const offset = decodePageToken(request.pageToken);
    const { tasks, total } = await this.store.list(agent, owner, {
      contextId: request.contextId,
      state: request.status,
      updatedAfter: request.statusTimestampAfter ? Date.parse(request.statusTimestampAfter) : undefined,
      pageSize,
      offset,
    });
    const next = offset + tasks.length;
    return {
      tasks: tasks.map((task) => viewTask(task, request.historyLength, request.includeArtifacts ?? false)),
      nextPageToken: next < total ? Buffer.from(String(next)).toString('base64url') : '',
      pageSize,
      totalSize: total,
    };
  }

  #own(message: Message, taskId: string, contextId: string): Message {
    return { ...message, taskId, contextId };
  }

  #timestamp(): string {
    return new Date(this.#clock.now()).toISOString();
  }

  #changed(agent: string, stored: StoredTask, event: StreamResponse): void {
    void this.#events.publish(agent, stored.task.id, { seq: stored.seq, event });
    for (const listener of this.#listeners) listener(agent, stored, event);
  }
}

/** The task as a caller asked to see it: history cut to `historyLength`, artifacts optional. */
export function viewTask(task: Task, historyLength: number | undefined, includeArtifacts = true): Task {
  const view: Task = { ...task };
  if (historyLength !== undefined) view.history = historyLength === 0 ? [] : (task.history ?? []).slice(-historyLength);
  if (!includeArtifacts) delete view.artifacts;
  return view;
}

function decodePageToken(token: string | undefined): number {
  if (!token) return 0;
  const offset = Number(Buffer.from(token, 'base64url').toString());
  if (!Number.isSafeInteger(offset) || offset < 0) throw new A2AError('InvalidParamsError', 'pageToken is not valid');
  return offset;
}
