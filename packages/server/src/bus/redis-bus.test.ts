import { afterEach, describe, expect, it } from 'vitest';
import { RedisBus } from './redis-bus.ts';

const url = process.env.PARLEY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('RedisBus', () => {
  const open: RedisBus[] = [];
  afterEach(async () => {
    for (const bus of open.splice(0)) await bus.close();
  });
  async function bus() {
    const connected = await RedisBus.connect(url);
    open.push(connected);
    return connected;
  }
  const topic = () => `test.${crypto.randomUUID()}`;

  it('delivers an event published on one replica to subscribers on another, and on itself', async () => {
    const [a, b] = [await bus(), await bus()];
    const name = topic();
    const onA = new Promise((resolve) => void a.subscribe(name, resolve));
    const onB = new Promise((resolve) => void b.subscribe(name, resolve));
    // Both subscriptions are confirmed before publishing.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await b.publish(name, { approvalId: 'apr_1', outcome: 'approved' });
    expect(await onA).toEqual({ approvalId: 'apr_1', outcome: 'approved' });
    expect(await onB).toEqual({ approvalId: 'apr_1', outcome: 'approved' });
  });

  it('delivers in publish order and stops after unsubscribe', async () => {
    const [a, b] = [await bus(), await bus()];
    const name = topic();
    const seen: unknown[] = [];
    const unsubscribe = await a.subscribe(name, (payload) => seen.push(payload));
    for (let i = 0; i < 50; i++) await b.publish(name, i);
    await expect.poll(() => seen.length).toBe(50);
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => i));
    unsubscribe();
    await b.publish(name, 'after');
    await b.publish(`${name}.other`, 'elsewhere');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(seen).toHaveLength(50);
  });

  it('refuses to start against an unreachable Redis with a clear error', async () => {
    await expect(RedisBus.connect('redis://127.0.0.1:1')).rejects.toMatchObject({
      code: 'ERR_STORE_REDIS_UNREACHABLE',
    });
  });
});
