import { ManualClock } from '@parley/core';
import type { Timers } from '../executor/timers.ts';

/** Timers driven by a ManualClock: nothing fires until `advance`. */
export class ManualTimers implements Timers {
  readonly clock: ManualClock;
  #pending: { at: number; fn: () => void; live: boolean }[] = [];

  constructor(clock = new ManualClock(0)) {
    this.clock = clock;
  }

  /** How many timers are armed; tests await this before advancing. */
  get armed(): number {
    return this.#pending.filter((timer) => timer.live).length;
  }

  set(ms: number, fn: () => void): () => void {
    const timer = { at: this.clock.now() + ms, fn, live: true };
    this.#pending.push(timer);
    return () => {
      timer.live = false;
    };
  }

  /** Moves time forward and fires every timer that is due, in order. */
  advance(ms: number): void {
    this.clock.advance(ms);
    const due = this.#pending.filter((timer) => timer.live && timer.at <= this.clock.now()).sort((a, b) => a.at - b.at);
    this.#pending = this.#pending.filter((timer) => timer.live && timer.at > this.clock.now());
    for (const timer of due) {
      timer.live = false;
      timer.fn();
    }
  }
}
