import type { Clock } from '@parley/core';
import type { Store } from '@parley/store';

/**
 * Which caller created each task on a remote agent (the remote sees only
 * Parley), so the proxy can keep callers to their own tasks.
 */
export class RemoteTaskOwners {
  readonly #store: Store;
  readonly #clock: Clock;
  constructor(store: Store, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  async record(agent: string, taskId: string, owner: string): Promise<void> {
    await this.#store.db
      .insertInto('a2a_remote_tasks')
      .values({ agent, task_id: taskId, owner, created_at: this.#clock.now() })
      .onConflict((oc) => oc.columns(['agent', 'task_id']).doNothing())
      .execute();
  }

  async ownerOf(agent: string, taskId: string): Promise<string | undefined> {
    const row = await this.#store.db
      .selectFrom('a2a_remote_tasks')
      .select('owner')
      .where('agent', '=', agent)
      .where('task_id', '=', taskId)
      .executeTakeFirst();
    return row?.owner;
  }

  /** The subset of `taskIds` that `owner` owns. */
  async owned(agent: string, owner: string, taskIds: readonly string[]): Promise<Set<string>> {
    if (taskIds.length === 0) return new Set();
    const rows = await this.#store.db
      .selectFrom('a2a_remote_tasks')
      .select('task_id')
      .where('agent', '=', agent)
      .where('owner', '=', owner)
      .where('task_id', 'in', [...taskIds])
      .execute();
    return new Set(rows.map((row) => row.task_id));
  }
}
