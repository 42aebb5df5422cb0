import { ManualClock, StoreError } from '@parley/core';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisRateLimiter } from './rate-limiter.ts';

const url = process.env.PARLEY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('RedisRateLimiter', () => {
  const open: RedisRateLimiter[] = [];
  afterEach(async () => {
    for (const limiter of open.splice(0)) await limiter.close();
  });
  // A manual clock makes the windows exact.
  const clock = new ManualClock(Date.UTC(2026, 10, 24, 12, 0, 0));
  const deployment = `https://parley-${crypto.randomUUID()}.test`;
  async function replica(scope = deployment) {
    const limiter = await RedisRateLimiter.connect(url, { scope, requests: 3, windowMs: 60_000, clock });
    open.push(limiter);
    return limiter;
  }
  const principal = () => `User:test-${crypto.randomUUID()}`;

  it('counts one limit across replicas, and says when the window ends', async () => {
    const [a, b] = [await replica(), await replica()];
    const alice = principal();
    expect(await a.take(alice)).toBeUndefined();
    expect(await b.take(alice)).toBeUndefined();
    expect(await a.take(alice)).toBeUndefined();
    clock.advance(15_000);
    // The fourth request in alice's minute, on either replica: 45 s until her window ends.
    expect(await b.take(alice)).toBe(45);
    expect(await a.take(alice)).toBe(45);
    // Another principal has its own count.
    expect(await b.take(principal())).toBeUndefined();
    clock.advance(45_000);
    expect(await a.take(alice)).toBeUndefined();
    expect(await b.take(alice)).toBeUndefined();
  });

  it('counts apart for another deployment on the same Redis', async () => {
    const [ours, theirs] = [await replica(), await replica('https://other.test')];
    const dave = principal();
    for (let i = 0; i < 3; i++) expect(await ours.take(dave)).toBeUndefined();
    expect(await ours.take(dave)).toBeGreaterThan(0);
    expect(await theirs.take(dave)).toBeUndefined();
  });

  it('counts in memory while Redis does not answer', async () => {
    const limiter = await replica();
    const bob = principal();
    expect(await limiter.take(bob)).toBeUndefined();
    // Cut the connection: the limit still holds, counted on this replica.
    await limiter.close();
    const local = [await limiter.take(bob), await limiter.take(bob), await limiter.take(bob), await limiter.take(bob)];
    expect(local).toEqual([undefined, undefined, undefined, expect.any(Number)]);
  });

  it('refuses to start without a reachable Redis', async () => {
    await expect(
      RedisRateLimiter.connect('redis://127.0.0.1:1', { scope: deployment, requests: 3, windowMs: 60_000, clock }),
    ).rejects.toBeInstanceOf(StoreError);
  });
});
