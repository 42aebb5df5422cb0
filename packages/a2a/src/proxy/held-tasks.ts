import type { Caller, Clock, GuardedAction } from '@parley/core';
import type { Store } from '@parley/store';
import type { SendMessageRequest } from '../wire/schemas/requests.ts';

/** A task waiting for its approval, as kept so the wait resumes after a restart. */
export interface HeldTask {
  readonly agent: string;
  readonly taskId: string;
  readonly approvalId: string;
  readonly skillId: string;
  /** The caller, without its bearer credential (empty after a restart). */
  readonly caller: Caller;
  readonly action: GuardedAction;
  readonly request: SendMessageRequest;
}

/**
 * The tasks held for approval (`a2a_held_tasks`). The caller's bearer token
 * is never stored: after a restart the caller is known, but no token can be
 * exchanged on its behalf.
 */
export class HeldTasks {
  readonly #store: Store;
  readonly #clock: Clock;

  constructor(store: Store, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  async add(held: HeldTask): Promise<void> {
    const { bearer: _bearer, ...caller } = held.caller;
    await this.#store.db
      .insertInto('a2a_held_tasks')
      .values({
        agent: held.agent,
        task_id: held.taskId,
        approval_id: held.approvalId,
        skill_id: held.skillId,
        caller: JSON.stringify(caller),
        action: JSON.stringify(held.action),
        request: JSON.stringify(held.request),
        created_at: this.#clock.now(),
      })
      .onConflict((oc) => oc.columns(['agent', 'task_id']).doNothing())
      .execute();
  }

  async remove(agent: string, taskId: string): Promise<void> {
    await this.#store.db
      .deleteFrom('a2a_held_tasks')
      .where('agent', '=', agent)
      .where('task_id', '=', taskId)
      .execute();
  }

  async list(): Promise<HeldTask[]> {
    const rows = await this.#store.db.selectFrom('a2a_held_tasks').selectAll().orderBy('created_at').execute();
    return rows.map((row) => ({
      agent: row.agent,
      taskId: row.task_id,
      approvalId: row.approval_id,
      skillId: row.skill_id,
      caller: restoreCaller(row.caller),
      action: JSON.parse(row.action) as GuardedAction,
      request: JSON.parse(row.request) as SendMessageRequest,
    }));
  }
}

/** A stored caller; JSON drops the members that were undefined. */
function restoreCaller(json: string): Caller {
  const caller = JSON.parse(json) as Omit<Caller, 'bearer'>;
  return {
    ...caller,
    onBehalfOf: caller.onBehalfOf ?? undefined,
    clientId: caller.clientId ?? undefined,
    expiresAt: caller.expiresAt ?? undefined,
    bearer: '',
  };
}
