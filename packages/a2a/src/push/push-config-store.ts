import type { Clock } from '@parley/core';
import type { Store } from '@parley/store';
import type { ProtocolVersion } from '../bindings/a2a-handler.ts';
import type { PushConfigService } from '../runtime/push-config-service.ts';
import { A2AError } from '../wire/errors.ts';
import type { TaskPushNotificationConfig } from '../wire/schemas/core.ts';
import { checkWebhookUrl, type WebhookPolicy } from './webhook-check.ts';

const MAX_CONFIGS_PER_TASK = 10;

/** Push-notification configs in the store; webhook URLs checked on creation. */
export class PushConfigStore implements PushConfigService {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #policy: WebhookPolicy;

  constructor(store: Store, clock: Clock, policy: WebhookPolicy) {
    this.#store = store;
    this.#clock = clock;
    this.#policy = policy;
  }

  async create(
    agent: string,
    owner: string,
    config: TaskPushNotificationConfig,
    version: ProtocolVersion = '1.0',
  ): Promise<TaskPushNotificationConfig> {
    await checkWebhookUrl(config.url, this.#policy);
    const existing = await this.list(agent, config.taskId);
    const id = config.id ?? crypto.randomUUID();
    if (existing.length >= MAX_CONFIGS_PER_TASK && !existing.some((item) => item.id === id)) {
      throw new A2AError('InvalidParamsError', `a task has at most ${MAX_CONFIGS_PER_TASK} push configs`);
    }
    const { tenant: _tenant, ...rest } = config;
    const stored: TaskPushNotificationConfig = { ...rest, id };
    await this.#store.db
      .insertInto('a2a_push_configs')
      .values({
        agent,
        task_id: config.taskId,
        id,
        owner,
        config: JSON.stringify(stored),
        protocol_version: version,
        created_at: this.#clock.now(),
      })
      .onConflict((oc) =>
        oc
          .columns(['agent', 'task_id', 'id'])
          .doUpdateSet({ config: JSON.stringify(stored), protocol_version: version }),
      )
      .execute();
    return stored;
  }

  async get(agent: string, taskId: string, id: string): Promise<TaskPushNotificationConfig> {
    const row = await this.#store.db
      .selectFrom('a2a_push_configs')
      .select('config')
      .where('agent', '=', agent)
      .where('task_id', '=', taskId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new A2AError('TaskNotFoundError', `push config ${id} of task ${taskId} not found`);
    return JSON.parse(row.config) as TaskPushNotificationConfig;
  }

  async list(agent: string, taskId: string): Promise<TaskPushNotificationConfig[]> {
    const rows = await this.#store.db
      .selectFrom('a2a_push_configs')
      .select('config')
      .where('agent', '=', agent)
      .where('task_id', '=', taskId)
      .orderBy('created_at')
      .execute();
    return rows.map((row) => JSON.parse(row.config) as TaskPushNotificationConfig);
  }

  /** The task's configs created by `asOf`, with the protocol version of the client that created each (for delivery). */
  async deliveries(
    agent: string,
    taskId: string,
    asOf: number,
  ): Promise<Array<{ config: TaskPushNotificationConfig; version: ProtocolVersion }>> {
    const rows = await this.#store.db
      .selectFrom('a2a_push_configs')
      .select(['config', 'protocol_version'])
      .where('agent', '=', agent)
      .where('task_id', '=', taskId)
      .where('created_at', '<=', asOf)
      .orderBy('created_at')
      .execute();
    return rows.map((row) => ({
      config: JSON.parse(row.config) as TaskPushNotificationConfig,
      version: row.protocol_version === '0.3' ? '0.3' : '1.0',
    }));
  }

  async delete(agent: string, taskId: string, id: string): Promise<void> {
    await this.get(agent, taskId, id);
    await this.#store.db
      .deleteFrom('a2a_push_configs')
      .where('agent', '=', agent)
      .where('task_id', '=', taskId)
      .where('id', '=', id)
      .execute();
  }
}
