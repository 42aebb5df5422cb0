import { type EventBus, type Logger, silentLogger } from '@parley/core';
import type { Redis } from 'ioredis';
import { connectRedis } from '../redis/connect.ts';

const PREFIX = 'parley:';

/**
 * The scale-out event bus: Redis pub/sub, so an event published on one
 * replica (an approval decided, a task updated, a policy changed, a
 * principal disabled) reaches the subscribers on every replica, this one
 * included. Delivery is at most once, like the in-process bus; state itself
 * lives in the store, so a missed event never loses data.
 * @see DESIGN.md, "Scale"
 */
export class RedisBus implements EventBus {
  readonly #pub: Redis;
  readonly #sub: Redis;
  readonly #handlers = new Map<string, Set<(payload: unknown) => void>>();
  readonly #logger: Logger;

  private constructor(pub: Redis, sub: Redis, logger: Logger) {
    this.#pub = pub;
    this.#sub = sub;
    this.#logger = logger;
    sub.on('message', (channel: string, message: string) => this.#dispatch(channel, message));
  }

  /** Connects both connections; fails fast with a clear error when Redis is unreachable. */
  static async connect(url: string, logger: Logger = silentLogger()): Promise<RedisBus> {
    const [pub, sub] = (await connectRedis(url, logger, 2)) as [Redis, Redis];
    return new RedisBus(pub, sub, logger);
  }

  async publish(topic: string, payload: unknown): Promise<void> {
    await this.#pub.publish(PREFIX + topic, JSON.stringify(payload ?? null));
  }

  async subscribe(topic: string, handler: (payload: unknown) => void): Promise<() => void> {
    let set = this.#handlers.get(topic);
    if (!set) {
      set = new Set();
      this.#handlers.set(topic, set);
      // Resolves once Redis confirms, so nothing published afterwards is missed.
      await this.#sub.subscribe(PREFIX + topic);
    }
    set.add(handler);
    return () => {
      const current = this.#handlers.get(topic);
      current?.delete(handler);
      if (current?.size === 0) {
        this.#handlers.delete(topic);
        void this.#sub.unsubscribe(PREFIX + topic).catch(() => {});
      }
    };
  }

  async close(): Promise<void> {
    this.#handlers.clear();
    await Promise.allSettled([this.#pub.quit(), this.#sub.quit()]);
  }

  #dispatch(channel: string, message: string): void {
    const handlers = this.#handlers.get(channel.slice(PREFIX.length));
    if (!handlers) return;
    let payload: unknown;
    try {
      payload = JSON.parse(message);
    } catch {
      this.#logger.warn({ channel }, 'dropped a bus message that is not JSON');
      return;
    }
    for (const handler of handlers) {
      try {
        handler(payload);
      } catch (error) {
        this.#logger.error({ err: error, channel }, 'bus handler failed');
      }
    }
  }
}
