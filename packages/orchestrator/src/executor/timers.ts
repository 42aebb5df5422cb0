import type { Clock } from '@parley/core';

/**
 * Port: schedules a callback. Together with a `Clock` it lets tests drive
 * timeouts without waiting (see `ManualTimers`).
 */
export interface Timers {
  /** Calls `fn` after `ms`; returns a function that cancels it. */
  set(ms: number, fn: () => void): () => void;
}

export const systemTimers: Timers = {
  set(ms, fn) {
    const handle = setTimeout(fn, ms);
    return () => clearTimeout(handle);
  },
};

/**
 * A subtask's working-time budget. It pauses while a human is deciding
 * (an approval, an answer): `subtaskTimeout` bounds the agent's work, not
 * the person's reaction time, which approvals bound with their own expiry.
 */
export class WorkBudget {
  readonly #clock: Clock;
  readonly #timers: Timers;
  readonly #onExpire: () => void;
  #remaining: number;
  #startedAt: number | undefined;
  #cancel: (() => void) | undefined;
  #expired = false;

  constructor(ms: number, clock: Clock, timers: Timers, onExpire: () => void) {
    this.#remaining = ms;
    this.#clock = clock;
    this.#timers = timers;
    this.#onExpire = onExpire;
  }

  get expired(): boolean {
    return this.#expired;
  }

  resume(): void {
    if (this.#expired || this.#startedAt !== undefined) return;
    this.#startedAt = this.#clock.now();
    this.#cancel = this.#timers.set(Math.max(0, this.#remaining), () => {
      this.#expired = true;
      this.#startedAt = undefined;
      this.#onExpire();
    });
  }

  pause(): void {
    if (this.#startedAt === undefined) return;
    this.#remaining -= this.#clock.now() - this.#startedAt;
    this.#startedAt = undefined;
    this.#cancel?.();
  }

  stop(): void {
    this.pause();
    this.#remaining = 0;
  }
}
