import { type Caller, type GuardedAction, InProcessBus, ManualClock, silentLogger } from '@parley/core';
import { type TestStoreBackend, testStoreBackends } from '@parley/store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PolicyService } from '../service/policy-service.ts';
import { PolicySet } from '../service/policy-set.ts';
import { APPROVAL_DECIDED_TOPIC } from './approval.ts';
import { APPROVAL_REQUESTED_TOPIC, ApprovalService } from './approval-service.ts';

const TTL = 15 * 60_000;

const facilities: Caller = {
  principal: { type: 'Agent', id: 'facilities' },
  onBehalfOf: { type: 'User', id: 'alice' },
  actorChain: ['facilities', 'concierge'],
  roles: [],
  clientId: 'facilities',
  scopes: ['rooms'],
  credential: 'access-token',
  credentialId: 'jti-1',
  bearer: 'secret',
  expiresAt: undefined,
};
const human = (id: string, roles: string[] = []): Caller => ({
  ...facilities,
  principal: { type: 'User', id },
  onBehalfOf: undefined,
  actorChain: [],
  roles,
  credentialId: `jti-${id}`,
});
const bookRoom = (args: Record<string, unknown>): GuardedAction => ({
  protocol: 'mcp',
  action: 'tools/call',
  resource: { type: 'Tool', id: 'rooms.book_room' },
  parents: [{ type: 'McpServer', id: 'rooms' }],
  arguments: args,
  audience: 'http://127.0.0.1:7070/mcp',
});
const AUD = 'http://127.0.0.1:7070/api';

describe.each(testStoreBackends())('approvals on $name', (backend: TestStoreBackend) => {
  let opened: Awaited<ReturnType<TestStoreBackend['open']>>;
  let clock: ManualClock;
  let bus: InProcessBus;
  let approvals: ApprovalService;
  let policy: PolicyService;

  beforeEach(async () => {
    opened = await backend.open();
    clock = new ManualClock(Date.UTC(2026, 0, 5, 9));
    bus = new InProcessBus();
    approvals = new ApprovalService({
      store: opened.store,
      bus,
      clock,
      logger: silentLogger(),
      ttlMs: TTL,
      baseUrl: 'http://mesh.test/',
    });
    await approvals.start();
    const policySet = new PolicySet({ files: [], demo: true, logger: silentLogger(), watch: false });
    await policySet.start();
    policy = new PolicyService({ policySet, approvals, clock });
  });
  afterEach(async () => {
    await approvals.stop();
    await bus.close();
    await opened.dispose();
  });

  it('is never decided with the credential that asked for it', async () => {
    // An MCP host holding alice's API key makes the call, and would approve it with the same key.
    const withKey: Caller = { ...facilities, credential: 'api-key', credentialId: 'key-alice' };
    const decision = await policy.decide(withKey, bookRoom({ room: 'Atlas', attendees: 3 }));
    if (decision.effect !== 'approval-required') throw new Error(decision.effect);
    const alice = human('alice');
    const own = await policy.decideApproval(
      { ...alice, credential: 'api-key', credentialId: 'key-alice' },
      decision.approval.id,
      'approved',
      AUD,
    );
    expect(own).toEqual({ code: 'own-request' });
    expect((await policy.approvals.get(decision.approval.id))?.state).toBe('pending');
    // alice herself, signed in elsewhere (another credential), decides it.
    const decided = await policy.decideApproval(alice, decision.approval.id, 'approved', AUD);
    expect(decided).toMatchObject({ code: 'decided', approval: { state: 'approved' } });
  });

  it('holds a sensitive call until the user approves, then lets exactly that call run once', async () => {
    const action = bookRoom({ room: 'Atlas', attendees: 12 });
    const decision = await policy.decide(facilities, action);
    expect(decision.effect).toBe('approval-required');
    if (decision.effect !== 'approval-required') return;
    expect(decision.approval.url).toBe(`http://mesh.test/console/approvals/${decision.approval.id}`);
    expect(decision.approval.expiresAt).toBe(clock.now() + TTL);
    // Asking again does not pile up approvals.
    const again = await policy.decide(facilities, action);
    expect(again).toMatchObject({ effect: 'approval-required', approval: { id: decision.approval.id } });

    const waiting = policy.waitForApproval(decision.approval.id);
    const refused = await policy.decideApproval(human('bob'), decision.approval.id, 'approved', AUD);
    expect(refused.code).toBe('forbidden');
    const decided = await policy.decideApproval(human('alice'), decision.approval.id, 'approved', AUD);
    expect(decided).toMatchObject({ code: 'decided', approval: { state: 'approved', decidedBy: 'User::"alice"' } });
    await expect(waiting).resolves.toBe('approved');

    // Arguments changed after approval: refused.
    expect(
      await policy.consumeApproval(decision.approval.id, facilities, bookRoom({ room: 'Atlas', attendees: 40 })),
    ).toBe(false);
    // Another principal: refused.
    expect(
      await policy.consumeApproval(decision.approval.id, { ...facilities, actorChain: ['facilities'] }, action),
    ).toBe(false);
    // The same call, arguments in another key order: accepted once.
    expect(
      await policy.consumeApproval(decision.approval.id, facilities, bookRoom({ attendees: 12, room: 'Atlas' })),
    ).toBe(true);
    // Replay: refused.
    expect(await policy.consumeApproval(decision.approval.id, facilities, action)).toBe(false);
    expect((await approvals.get(decision.approval.id))?.consumedAt).toBe(clock.now());
    // A new attempt needs a new approval.
    const next = await policy.decide(facilities, action);
    expect(next.effect).toBe('approval-required');
    if (next.effect === 'approval-required') expect(next.approval.id).not.toBe(decision.approval.id);
  });

  it('lets a retried call through once its approval is approved', async () => {
    const action = bookRoom({ room: 'Atlas' });
    const first = await policy.decide(facilities, action);
    if (first.effect !== 'approval-required') throw new Error('expected approval');
    await policy.decideApproval(human('root', ['admin']), first.approval.id, 'approved', AUD);
    const retry = await policy.decide(facilities, action);
    expect(retry).toMatchObject({ effect: 'allow', approvalId: first.approval.id });
  });

  it('keeps a used approval for the same call once released (a call that asked for input), and only for it', async () => {
    const action = bookRoom({ room: 'Atlas' });
    const first = await policy.decide(facilities, action);
    if (first.effect !== 'approval-required') throw new Error('expected approval');
    const id = first.approval.id;
    await policy.decideApproval(human('root', ['admin']), id, 'approved', AUD);
    // Not yet used: nothing to release, and it stays usable once.
    await policy.releaseApproval(id, facilities, action);
    expect(await policy.consumeApproval(id, facilities, action)).toBe(true);
    // Released for another call (other arguments, another principal): still used.
    await policy.releaseApproval(id, facilities, bookRoom({ room: 'Orion' }));
    await policy.releaseApproval(id, { ...facilities, actorChain: ['facilities'] }, action);
    expect(await policy.decide(facilities, action)).toMatchObject({ effect: 'approval-required' });
    // Released for this call: the retry is let through with the same approval, once.
    await policy.releaseApproval(id, facilities, action);
    expect(await policy.decide(facilities, action)).toMatchObject({ effect: 'allow', approvalId: id });
    expect(await policy.consumeApproval(id, facilities, action)).toBe(true);
    expect(await policy.consumeApproval(id, facilities, action)).toBe(false);
    // Past its expiry it cannot be released.
    clock.advance(TTL + 1);
    await policy.releaseApproval(id, facilities, action);
    expect(await policy.consumeApproval(id, facilities, action)).toBe(false);
  });

  it('reports a denial to the waiter, and a denied approval cannot be used or decided again', async () => {
    const action = bookRoom({ room: 'Atlas' });
    const decision = await policy.decide(facilities, action);
    if (decision.effect !== 'approval-required') throw new Error('expected approval');
    const waiting = policy.waitForApproval(decision.approval.id);
    await policy.decideApproval(human('alice'), decision.approval.id, 'denied', AUD);
    await expect(waiting).resolves.toBe('denied');
    expect(await policy.consumeApproval(decision.approval.id, facilities, action)).toBe(false);
    await expect(policy.decideApproval(human('alice'), decision.approval.id, 'approved', AUD)).rejects.toMatchObject({
      code: 'ERR_APPROVAL_STATE',
    });
  });

  it('expires: the waiter learns it, and it can be neither approved nor used', async () => {
    const action = bookRoom({ room: 'Atlas' });
    const decision = await policy.decide(facilities, action);
    if (decision.effect !== 'approval-required') throw new Error('expected approval');
    const waiting = policy.waitForApproval(decision.approval.id);
    clock.advance(TTL - 1);
    expect(await approvals.expireDue()).toEqual([]);
    expect((await approvals.get(decision.approval.id))?.state).toBe('pending');
    clock.advance(1);
    // The waiter's own expiry timer may run this first (the manual clock jumps
    // past its deadline); either way the approval expires exactly once.
    await approvals.expireDue();
    await expect(waiting).resolves.toBe('expired');
    await expect(policy.decideApproval(human('alice'), decision.approval.id, 'approved', AUD)).rejects.toMatchObject({
      code: 'ERR_APPROVAL_STATE',
    });
    expect((await approvals.list({ state: 'expired' })).map((a) => a.id)).toEqual([decision.approval.id]);
  });

  it('an approved approval past its expiry cannot be used', async () => {
    const action = bookRoom({ room: 'Atlas' });
    const decision = await policy.decide(facilities, action);
    if (decision.effect !== 'approval-required') throw new Error('expected approval');
    await policy.decideApproval(human('alice'), decision.approval.id, 'approved', AUD);
    clock.advance(TTL);
    expect(await policy.consumeApproval(decision.approval.id, facilities, action)).toBe(false);
  });

  it('of concurrent consumers exactly one wins', async () => {
    const action = bookRoom({ room: 'Atlas' });
    const decision = await policy.decide(facilities, action);
    if (decision.effect !== 'approval-required') throw new Error('expected approval');
    await policy.decideApproval(human('alice'), decision.approval.id, 'approved', AUD);
    const results = await Promise.all(
      Array.from({ length: 8 }, () => policy.consumeApproval(decision.approval.id, facilities, action)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('announces a new approval once, and its decision, on the bus', async () => {
    const events: Array<[string, unknown]> = [];
    for (const topic of [APPROVAL_REQUESTED_TOPIC, APPROVAL_DECIDED_TOPIC]) {
      await bus.subscribe(topic, (payload) => events.push([topic, payload]));
    }
    const action = bookRoom({ room: 'Atlas', date: '2026-02-03' });
    const decision = await policy.decide(facilities, action);
    if (decision.effect !== 'approval-required') throw new Error('expected approval');
    // Asking again returns the open approval and announces nothing new.
    await policy.decide(facilities, action);
    await policy.decideApproval(human('alice'), decision.approval.id, 'denied', AUD);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(events).toEqual([
      [APPROVAL_REQUESTED_TOPIC, { id: decision.approval.id, state: 'pending' }],
      [APPROVAL_DECIDED_TOPIC, { id: decision.approval.id, state: 'denied' }],
    ]);
  });

  it('a waiter wakes from a decision made by another replica (through the bus)', async () => {
    const other = new ApprovalService({
      store: opened.store,
      bus,
      clock,
      logger: silentLogger(),
      ttlMs: TTL,
      baseUrl: 'http://mesh.test',
    });
    const decision = await policy.decide(facilities, bookRoom({ n: 1 }));
    if (decision.effect !== 'approval-required') throw new Error('expected approval');
    const waiting = approvals.waitForApproval(decision.approval.id);
    await other.decide(decision.approval.id, 'approved', 'User::"alice"');
    await expect(waiting).resolves.toBe('approved');
  });

  it('waiting stops when the signal aborts, and an unknown id is refused', async () => {
    const decision = await policy.decide(facilities, bookRoom({ n: 2 }));
    if (decision.effect !== 'approval-required') throw new Error('expected approval');
    const controller = new AbortController();
    const waiting = policy.waitForApproval(decision.approval.id, controller.signal);
    controller.abort(new Error('client went away'));
    await expect(waiting).rejects.toThrow('client went away');
    await expect(policy.waitForApproval('apr_nope')).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
  });
});
