import type { Clock } from '@parley/core';
import type { Store } from '@parley/store';
import type { Task } from '../wire/schemas/core.ts';
import type { TaskState } from '../wire/task-state.ts';

/** A task as stored: the A2A task, who owns it, and its event sequence. */
export interface StoredTask {
  readonly task: Task;
  readonly owner: string;
  readonly seq: number;
}

export interface TaskListFilter {
  readonly contextId?: string | undefined;
  readonly state?: TaskState | undefined;
  /** Epoch ms: only tasks updated after it. */
  readonly updatedAfter?: number | undefined;
  readonly pageSize: number;
  readonly offset: number;
}

/**
 * Tasks, with their history and artifacts, in the Parley store (SQLite or
 * PostgreSQL), so they survive restarts and are shared by replicas. Updates
 * are optimistic (compare-and-set on `seq`), so concurrent writers never
 * lose an update.
 */
export class TaskStore {
  readonly #store: Store;
  readonly #clock: Clock;

  constructor(store: Store, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  async insert(agent: string, owner: string, task: Task): Promise<StoredTask> {
    const now = this.#clock.now();
    await this.#store.db
      .insertInto('a2a_tasks')
      .values({
        id: task.id,
        agent,
        owner,
        context_id: task.contextId,
        state: task.status.state,
        task: JSON.stringify(task),
        seq: 1,
        created_at: now,
        updated_at: now,
      })
      .execute();
    return { task, owner, seq: 1 };
  }

  async get(agent: string, id: string): Promise<StoredTask | undefined> {
    const row = await this.#store.db
      .selectFrom('a2a_tasks')
      .select(['task', 'owner', 'seq'])
      .where('agent', '=', agent)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? { task: JSON.parse(row.task) as Task, owner: row.owner, seq: Number(row.seq) } : undefined;
  }

  /**
   * Applies `change` to the current task and stores the result with the next
   * sequence number; retried when another writer got there first. `change`
   * returns undefined to leave the task as it is.
   */
  async update(agent: string, id: string, change: (task: Task) => Task | undefined): Promise<StoredTask | undefined> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const current = await this.get(agent, id);
      if (!current) return undefined;
      const next = change(structuredClone(current.task));
      if (!next) return undefined;
      const result = await this.#store.db
        .updateTable('a2a_tasks')
        .set({
          task: JSON.stringify(next),
          state: next.status.state,
          seq: current.seq + 1,
          updated_at: this.#clock.now(),
        })
        .where('agent', '=', agent)
        .where('id', '=', id)
        .where('seq', '=', current.seq)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 1) return { task: next, owner: current.owner, seq: current.seq + 1 };
    }
    throw new Error(`task ${id} is updated too often to apply a change`);
  }

  /** The owner's tasks, most recently updated first. */
  async list(agent: string, owner: string, filter: TaskListFilter): Promise<{ tasks: Task[]; total: number }> {
    let query = this.#store.db.selectFrom('a2a_tasks').where('agent', '=', agent).where('owner', '=', owner);
    if (filter.contextId !== undefined) query = query.where('context_id', '=', filter.contextId);
    if (filter.state !== undefined) query = query.where('state', '=', filter.state);
    if (filter.updatedAfter !== undefined) query = query.where('updated_at', '>', filter.updatedAfter);
    const count = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    const rows = await query
      .select('task')
      .orderBy('updated_at', 'desc')
      .orderBy('id')
      .limit(filter.pageSize)
      .offset(filter.offset)
      .execute();
    return { tasks: rows.map((row) => JSON.parse(row.task) as Task), total: Number(count?.n ?? 0) };
  }
}
