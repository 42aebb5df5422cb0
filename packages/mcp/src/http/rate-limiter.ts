import type { Clock } from '@parley/core';

/**
 * Per-principal fixed-window limit (`mcp.rateLimit`): counts one request and
 * gives the seconds to wait when over the limit, else undefined.
 */
export interface RateLimiter {
  take(principal: string): number | undefined | Promise<number | undefined>;
}

/** The limit's numbers: `requests` per window of `windowMs`. */
export interface RateLimit {
  readonly requests: number;
  readonly windowMs: number;
}

/** Seconds until the window that began at `start` ends, at least one (`Retry-After`). */
export function secondsLeft(limit: RateLimit, start: number, now: number): number {
  return Math.max(1, Math.ceil((start + limit.windowMs - now) / 1000));
}

/**
 * The limit kept in this process's memory: exact for one replica. Several
 * replicas share one count through Redis (the server's `RedisRateLimiter`),
 * which falls back to this one while Redis cannot be reached.
 */
export class MemoryRateLimiter implements RateLimiter {
  readonly #limit: RateLimit;
  readonly #clock: Clock;
  readonly #windows = new Map<string, { start: number; count: number }>();

  constructor(options: RateLimit & { clock: Clock }) {
    this.#limit = { requests: options.requests, windowMs: options.windowMs };
    this.#clock = options.clock;
  }

  take(principal: string): number | undefined {
    const now = this.#clock.now();
    let window = this.#windows.get(principal);
    if (!window || now - window.start >= this.#limit.windowMs) {
      if (this.#windows.size > 10_000) this.#sweep(now);
      window = { start: now, count: 0 };
      this.#windows.set(principal, window);
    }
    window.count++;
    if (window.count <= this.#limit.requests) return undefined;
    return secondsLeft(this.#limit, window.start, now);
  }

  #sweep(now: number): void {
    for (const [key, window] of this.#windows) {
      if (now - window.start >= this.#limit.windowMs) this.#windows.delete(key);
    }
  }
}
