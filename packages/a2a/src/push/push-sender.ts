import type { Clock, GuardedFetch, Logger } from '@parley/core';
import type { Store } from '@parley/store';
import { importJWK, SignJWT } from 'jose';
import type { AgentKeyStore } from '../cards/key-store.ts';
import { PUSH_KEY } from '../cards/key-store.ts';
import type { StoredTask } from '../runtime/task-store.ts';
import { taskToLegacy } from '../wire/legacy.ts';
import type { StreamResponse, TaskPushNotificationConfig } from '../wire/schemas/core.ts';
import type { PushConfigStore } from './push-config-store.ts';

export interface PushSenderOptions {
  readonly store: Store;
  readonly configs: PushConfigStore;
  readonly keys: AgentKeyStore;
  readonly fetch: GuardedFetch;
  readonly clock: Clock;
  readonly logger: Logger;
  /** `iss` of the notification JWTs (Parley's base URL). */
  readonly issuer: string;
  /** Delivery attempts per notification (default 5). */
  readonly attempts?: number;
  /** First retry delay in ms, doubled per attempt (default 500). */
  readonly backoffMs?: number;
}

/**
 * Delivers task updates to the webhooks configured for the task: the body is
 * the StreamResponse (for a config a 0.3 client created, the 0.3 Task), the request carries a JWT signed with Parley's push key
 * (`taskId`, `jti`, `aud` = the webhook URL) so receivers can verify and
 * dedupe. Each (config, event) is claimed in the store before sending, so no
 * replica delivers the same event twice; failures are retried with backoff,
 * and a config's notifications go out in order.
 * @see https://a2a-protocol.org/v1.0.0/specification/#95-push-notifications
 */
export class PushSender {
  readonly #o: PushSenderOptions;
  readonly #queues = new Map<string, Promise<void>>();
  /** Backoff timers, with how to wake their sleeper on stop. */
  readonly #timers = new Map<NodeJS.Timeout, () => void>();
  #stopped = false;

  constructor(options: PushSenderOptions) {
    this.#o = options;
  }

  /**
   * A TaskManager change listener. Each task's changes are looked up and
   * queued one after the other, so a config's notifications keep the order
   * of the changes even when the store answers the lookups out of order.
   */
  readonly onChange = (agent: string, stored: StoredTask, event: StreamResponse): void => {
    if ('task' in event || this.#stopped) return;
    // A config created after the change, while its lookup waited, is not told of it.
    const changedAt = this.#o.clock.now();
    this.#serially(`${agent}\n${stored.task.id}`, async () => {
      const configs = await this.#o.configs.deliveries(agent, stored.task.id, changedAt).catch((error: unknown) => {
        this.#o.logger.warn({ err: error, taskId: stored.task.id }, 'push configs unavailable');
        return [];
      });
      for (const { config, version } of configs) {
        // 0.3 clients expect the Task itself as the notification body.
        const body = version === '0.3' ? taskToLegacy(stored.task) : event;
        this.#serially(`${agent}\n${stored.task.id}\n${config.id}`, () => this.#deliver(agent, stored, body, config));
      }
    });
  };

  /** Stops retries; pending deliveries are dropped. */
  stop(): void {
    this.#stopped = true;
    for (const [timer, wake] of this.#timers) {
      clearTimeout(timer);
      wake();
    }
    this.#timers.clear();
  }

  /** Settles when every queued delivery has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#queues.size > 0) await Promise.allSettled([...this.#queues.values()]);
  }

  /** Runs `work` after everything queued under `key` before it. */
  #serially(key: string, work: () => Promise<void>): void {
    const previous = this.#queues.get(key) ?? Promise.resolve();
    const next = previous.then(work).catch((error: unknown) => {
      this.#o.logger.error({ err: error }, 'push notification delivery failed');
    });
    this.#queues.set(key, next);
    void next.finally(() => {
      if (this.#queues.get(key) === next) this.#queues.delete(key);
    });
  }

  async #deliver(agent: string, stored: StoredTask, body: unknown, config: TaskPushNotificationConfig) {
    const jti = crypto.randomUUID();
    const now = this.#o.clock.now();
    const claimed = await this.#o.store.db
      .insertInto('a2a_push_deliveries')
      .values({
        jti,
        agent,
        task_id: stored.task.id,
        config_id: config.id ?? '',
        seq: stored.seq,
        status: 'pending',
        attempts: 0,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.columns(['agent', 'task_id', 'config_id', 'seq']).doNothing())
      .executeTakeFirst();
    if (Number(claimed.numInsertedOrUpdatedRows ?? 0) !== 1) return;
    const attempts = this.#o.attempts ?? 5;
    for (let attempt = 1; attempt <= attempts && !this.#stopped; attempt++) {
      const ok = await this.#send(stored.task.id, jti, body, config).catch((error: unknown) => {
        this.#o.logger.warn({ err: error, taskId: stored.task.id }, 'push notification failed');
        return false;
      });
      await this.#o.store.db
        .updateTable('a2a_push_deliveries')
        .set({
          attempts: attempt,
          status: ok ? 'delivered' : attempt === attempts ? 'failed' : 'pending',
          updated_at: this.#o.clock.now(),
        })
        .where('jti', '=', jti)
        .execute();
      if (ok) return;
      if (attempt < attempts) await this.#sleep((this.#o.backoffMs ?? 500) * 2 ** (attempt - 1));
    }
  }

  async #send(taskId: string, jti: string, body: unknown, config: TaskPushNotificationConfig): Promise<boolean> {
    const key = await this.#o.keys.signingKey(PUSH_KEY);
    const alg = key.alg ?? 'ES256';
    const iat = Math.floor(this.#o.clock.now() / 1000);
    const jwt = await new SignJWT({ taskId })
      .setProtectedHeader({ alg, kid: key.kid, typ: 'JWT' })
      .setIssuer(this.#o.issuer)
      .setAudience(config.url)
      .setIssuedAt(iat)
      .setExpirationTime(iat + 300)
      .setJti(jti)
      .sign(await importJWK(key.privateJwk, alg));
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (config.authentication?.credentials) {
      headers.authorization = `${config.authentication.scheme} ${config.authentication.credentials}`;
      headers['x-parley-push-token'] = jwt;
    } else headers.authorization = `Bearer ${jwt}`;
    if (config.token) headers['x-a2a-notification-token'] = config.token;
    const response = await this.#o.fetch(config.url, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      redirect: 'error',
      timeoutMs: 10_000,
    });
    return response.ok;
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        resolve();
      }, ms);
      timer.unref();
      this.#timers.set(timer, resolve);
    });
  }
}
