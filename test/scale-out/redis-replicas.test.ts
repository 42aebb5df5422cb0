import { canonicalDigest, silentLogger, systemClock } from '@parley/core';
import { ApprovalService } from '@parley/policy';
import { RedisBus } from '@parley/server';
import { testStoreBackends } from '@parley/store';
import { afterEach, describe, expect, it } from 'vitest';

// Two replicas share one PostgreSQL store and talk over Redis: a call waiting
// for an approval on one replica is released by a decision made on the other.
const redisUrl = process.env.PARLEY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const postgres = testStoreBackends().find((backend) => backend.name === 'postgres');

describe('scale-out on PostgreSQL and Redis', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('wakes a waiter on replica A when replica B decides the approval, with no polling', async () => {
    if (!postgres) throw new Error('no PostgreSQL backend');
    const { store, dispose } = await postgres.open();
    cleanup.push(dispose);
    const replica = async () => {
      const bus = await RedisBus.connect(redisUrl);
      const approvals = new ApprovalService({
        store,
        bus,
        clock: systemClock,
        logger: silentLogger(),
        ttlMs: 60_000,
        baseUrl: 'http://parley.test',
      });
      await approvals.start();
      cleanup.push(async () => {
        await approvals.stop();
        await bus.close();
      });
      return approvals;
    };
    const [a, b] = [await replica(), await replica()];
    const args = { room: 'borealis', date: '2026-12-02' };
    const approval = await a.request(
      {
        principal: { type: 'Agent', id: 'facilities' },
        actorChain: ['facilities', 'concierge'],
        action: 'tools/call',
        resource: { type: 'Tool', id: 'rooms.book_room' },
        onBehalfOf: { type: 'User', id: 'alice' },
        argumentsDigest: canonicalDigest(args),
      },
      { arguments: args, policies: ['demo-facilities-book-room'], requestedWith: 'access-token:test' },
    );
    const waiting = a.waitForApproval(approval.id, AbortSignal.timeout(20_000));
    await b.decide(approval.id, 'approved', 'alice');
    expect(await waiting).toBe('approved');
  });
});
