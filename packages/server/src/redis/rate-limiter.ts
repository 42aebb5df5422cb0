import { type Clock, type Logger, silentLogger } from '@parley/core';
import { MemoryRateLimiter, type RateLimit, type RateLimiter, secondsLeft } from '@parley/mcp';
import type { Redis } from 'ioredis';
import { connectRedis } from './connect.ts';

// One round trip: the principal's window opens at its first request (as in memory) and counts until it ends.
const COUNT = `local start = tonumber(redis.call('HGET', KEYS[1], 's'))
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
if not start or now - start >= window then
  redis.call('HSET', KEYS[1], 's', now, 'n', 1)
  redis.call('PEXPIRE', KEYS[1], window + 1000)
  return {1, now}
end
return {redis.call('HINCRBY', KEYS[1], 'n', 1), start}`;

export interface LimiterOptions extends RateLimit {
  /**
   * Whose limit this is: the replicas of one deployment share it (its public
   * URL), other deployments on the same Redis count apart.
   */
  readonly scope: string;
  readonly clock: Clock;
  readonly logger?: Logger;
}

/** A Redis command that takes longer than this counts in memory instead, so a slow Redis never stalls calls. */
const COMMAND_TIMEOUT_MS = 250;

/** Log a fallback to memory at most this often. */
const WARN_EVERY_MS = 60_000;

/**
 * `mcp.rateLimit` counted once for every replica: one Redis counter per
 * principal, in a fixed window that opens at the principal's first request
 * (as `MemoryRateLimiter` counts), so N replicas allow the limit and not N
 * times it. While Redis cannot answer (down, or slower than 250 ms), requests
 * are counted in this replica's memory instead, and a warning is logged: a
 * rate limit is not worth refusing every call for.
 */
export class RedisRateLimiter implements RateLimiter {
  readonly #redis: Redis;
  readonly #limit: RateLimit;
  readonly #clock: Clock;
  readonly #fallback: MemoryRateLimiter;
  readonly #logger: Logger;
  readonly #prefix: string;
  #warned = Number.NEGATIVE_INFINITY;

  constructor(redis: Redis, options: LimiterOptions) {
    this.#redis = redis;
    this.#prefix = `parley:rate:${options.scope}:`;
    this.#limit = { requests: options.requests, windowMs: options.windowMs };
    this.#clock = options.clock;
    this.#fallback = new MemoryRateLimiter(options);
    this.#logger = options.logger ?? silentLogger();
  }

  /** A limiter with its own connection to `url`; fails at once when Redis is unreachable. */
  static async connect(url: string, options: LimiterOptions): Promise<RedisRateLimiter> {
    // Commands fail at once while disconnected (counted in memory) instead of queueing up.
    const [redis] = (await connectRedis(url, options.logger ?? silentLogger(), 1, { offlineQueue: false })) as [Redis];
    return new RedisRateLimiter(redis, options);
  }

  async take(principal: string): Promise<number | undefined> {
    const now = this.#clock.now();
    let count: number;
    let start: number;
    try {
      const answer = (await withTimeout(
        this.#redis.eval(COUNT, 1, this.#prefix + principal, String(now), String(this.#limit.windowMs)),
      )) as [number, number];
      [count, start] = answer.map(Number) as [number, number];
    } catch (error) {
      if (now - this.#warned >= WARN_EVERY_MS) {
        this.#warned = now;
        this.#logger.warn({ err: error }, 'rate limit counted per replica: Redis did not answer');
      }
      return this.#fallback.take(principal);
    }
    return count <= this.#limit.requests ? undefined : secondsLeft(this.#limit, start, now);
  }

  async close(): Promise<void> {
    await this.#redis.quit().catch(() => this.#redis.disconnect());
  }
}

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${COMMAND_TIMEOUT_MS} ms`)), COMMAND_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
