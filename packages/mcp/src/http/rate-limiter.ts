import type { Clock } from '@parley/core';

/**
 * Per-principal fixed-window limit (`mcp.rateLimit`). In memory, per replica;
 * the window is short so the bound holds within a factor of the replica count.
 */
export class RateLimiter {
  readonly #requests: number;
  readonly #windowMs: number;
  readonly #clock: Clock;
  readonly #windows = new Map<string, { start: number; count: number }>();

  constructor(options: { requests: number; windowMs: number; clock: Clock }) {
    this.#requests = options.requests;
    this.#windowMs = options.windowMs;
    this.#clock = options.clock;
  }

  /** Counts one request; returns the seconds to wait when over the limit, else undefined. */
  take(principal: string): number | undefined {
    const now = this.#clock.now();
    let window = this.#windows.get(principal);
    if (!window || now - window.start >= this.#windowMs) {
      if (this.#windows.size > 10_000) this.#sweep(now);
      window = { start: now, count: 0 };
      this.#windows.set(principal, window);
    }
    window.count++;
    if (window.count <= this.#requests) return undefined;
    return Math.max(1, Math.ceil((window.start + this.#windowMs - now) / 1000));
  }

  #sweep(now: number): void {
    for (const [key, window] of this.#windows) if (now - window.start >= this.#windowMs) this.#windows.delete(key);
  }
}
