/**
 * Events that cross parts (and, on the Redis bus, replicas): approval decided,
 * task updated, policy set changed. Handlers receive JSON-serializable payloads.
 */
export interface EventBus {
  publish(topic: string, payload: unknown): Promise<void>;
  /** Returns a function that removes the subscription. */
  subscribe(topic: string, handler: (payload: unknown) => void): Promise<() => void>;
  close(): Promise<void>;
}

/** The embedded default: one process, no network. */
export class InProcessBus implements EventBus {
  readonly #handlers = new Map<string, Set<(payload: unknown) => void>>();

  async publish(topic: string, payload: unknown): Promise<void> {
    // Round-trip through JSON so in-process delivery behaves like Redis delivery.
    const copy: unknown = payload === undefined ? undefined : JSON.parse(JSON.stringify(payload));
    for (const handler of this.#handlers.get(topic) ?? []) {
      queueMicrotask(() => handler(copy));
    }
  }

  async subscribe(topic: string, handler: (payload: unknown) => void): Promise<() => void> {
    let set = this.#handlers.get(topic);
    if (!set) {
      set = new Set();
      this.#handlers.set(topic, set);
    }
    set.add(handler);
    return () => {
      set.delete(handler);
    };
  }

  async close(): Promise<void> {
    this.#handlers.clear();
  }
}
