import type { EventBus } from '@parley/core';
import type { StreamResponse } from '../wire/schemas/core.ts';

/** One task event with its sequence number (gaps and order are checkable). */
export interface TaskEvent {
  readonly seq: number;
  readonly event: StreamResponse;
}

/**
 * Task events over the mesh's event bus, so a stream opened on one replica
 * sees events produced on another.
 */
export class TaskEvents {
  readonly #bus: EventBus;
  constructor(bus: EventBus) {
    this.#bus = bus;
  }

  publish(agent: string, taskId: string, event: TaskEvent): Promise<void> {
    return this.#bus.publish(topic(agent, taskId), event);
  }

  subscribe(agent: string, taskId: string, listener: (event: TaskEvent) => void): Promise<() => void> {
    return this.#bus.subscribe(topic(agent, taskId), (payload) => listener(payload as TaskEvent));
  }
}

function topic(agent: string, taskId: string): string {
  return `a2a.task.${agent}.${taskId}`;
}

/** A push-to-pull queue: producers `push`, one consumer iterates. */
export class AsyncQueue<T> implements AsyncIterableIterator<T> {
  readonly #items: T[] = [];
  #waiting: ((result: IteratorResult<T>) => void) | undefined;
  #ended = false;
  readonly #onReturn: () => void;

  constructor(onReturn: () => void = () => {}) {
    this.#onReturn = onReturn;
  }

  push(item: T): void {
    if (this.#ended) return;
    const waiting = this.#waiting;
    if (waiting) {
      this.#waiting = undefined;
      waiting({ value: item, done: false });
    } else this.#items.push(item);
  }

  end(): void {
    this.#ended = true;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<T>> {
    const item = this.#items.shift();
    if (item !== undefined) return Promise.resolve({ value: item, done: false });
    if (this.#ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.#waiting = resolve;
    });
  }

  async return(): Promise<IteratorResult<T>> {
    this.end();
    this.#items.length = 0;
    this.#onReturn();
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}
