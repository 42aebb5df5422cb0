import type { EventBus } from '@parley/core';

/**
 * A subscription made when it is first needed and then kept: a relay listens
 * only once it has given out an id that others may relay to. One that failed
 * (the bus was down) is made again at the next need.
 */
export class LazySubscription {
  readonly #bus: EventBus;
  readonly #topic: string;
  readonly #handler: (payload: unknown) => void;
  #subscribed: Promise<() => void> | undefined;

  constructor(bus: EventBus, topic: string, handler: (payload: unknown) => void) {
    this.#bus = bus;
    this.#topic = topic;
    this.#handler = handler;
  }

  /** Resolves once the subscription is confirmed (at once after the first time). */
  async ready(): Promise<void> {
    if (!this.#subscribed) {
      const subscribed = this.#bus.subscribe(this.#topic, this.#handler);
      this.#subscribed = subscribed;
      subscribed.catch(() => {
        if (this.#subscribed === subscribed) this.#subscribed = undefined;
      });
    }
    await this.#subscribed;
  }

  async close(): Promise<void> {
    const subscribed = this.#subscribed;
    this.#subscribed = undefined;
    (await subscribed?.catch(() => undefined))?.();
  }
}
