import {
  AuthenticationError,
  type Caller,
  type GuardedAction,
  InProcessBus,
  silentLogger,
  systemClock,
} from '@parley/core';
import { ApprovalService, PolicyService, PolicySet } from '@parley/policy';
import { testStoreBackends } from '@parley/store';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app/build-app.ts';
import { consoleRoutes } from './console-routes.ts';

const API = 'http://mesh.test/api';

const person = (id: string, roles: string[] = []): Caller => ({
  principal: { type: 'User', id },
  onBehalfOf: undefined,
  actorChain: [],
  roles,
  clientId: 'parley-console',
  scopes: [],
  credential: 'access-token',
  credentialId: `jti-${id}`,
  bearer: id,
  expiresAt: undefined,
});
/** The facilities agent booking a room for `user`: held for that user's approval by the demo policies. */
const facilitiesFor = (user: string): Caller => ({
  ...person('facilities'),
  principal: { type: 'Agent', id: 'facilities' },
  onBehalfOf: { type: 'User', id: user },
  actorChain: ['facilities', 'concierge'],
});
const bookRoom = (date: string): GuardedAction => ({
  protocol: 'mcp',
  action: 'tools/call',
  resource: { type: 'Tool', id: 'rooms.book_room' },
  parents: [{ type: 'McpServer', id: 'rooms' }],
  arguments: { room: 'borealis', date },
  audience: 'http://mesh.test/mcp',
});

/** A fake authenticate: the bearer token is the user's name; no token, no caller. */
async function authenticate(request: { headers: Record<string, unknown> }): Promise<Caller> {
  const token = /^Bearer (\w+)$/.exec(String(request.headers.authorization ?? ''))?.[1];
  if (!token)
    throw new AuthenticationError('ERR_AUTH_MISSING_TOKEN', 'missing bearer token', {
      challenge: 'Bearer realm="test"',
    });
  return person(token, token === 'ops' ? ['admin'] : []);
}

interface Received {
  event: string;
  data: { id?: string; state?: string; arguments?: { date?: string } };
}

/** Opens the event stream as `user` and collects its events until `signal` aborts. */
async function listen(url: string, user: string, signal: AbortSignal): Promise<Received[]> {
  const response = await fetch(`${url}/api/console/events`, { headers: { authorization: `Bearer ${user}` }, signal });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/event-stream');
  const received: Received[] = [];
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  void (async () => {
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) received.push({ event, data: JSON.parse(data) as Received['data'] });
      }
    }
  })();
  return received;
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('GET /api/console/events', () => {
  const backend = testStoreBackends()[0];
  let dispose: () => Promise<void>;
  let app: FastifyInstance;
  let approvals: ApprovalService;
  let policy: PolicyService;
  let url: string;
  const bus = new InProcessBus();

  beforeAll(async () => {
    if (!backend) throw new Error('no store backend');
    const opened = await backend.open();
    dispose = opened.dispose;
    approvals = new ApprovalService({
      store: opened.store,
      bus,
      clock: systemClock,
      logger: silentLogger(),
      ttlMs: 60_000,
      baseUrl: 'http://mesh.test',
    });
    await approvals.start();
    const policySet = new PolicySet({ files: [], demo: true, logger: silentLogger(), watch: false });
    await policySet.start();
    policy = new PolicyService({ policySet, approvals, clock: systemClock });
    app = buildApp({ logger: silentLogger(), store: opened.store, bodyLimit: 1_000_000, trustProxy: false });
    const services = new Map<string, unknown>([
      ['authenticate', authenticate],
      ['policy', policy],
    ]);
    await app.register(consoleRoutes, {
      spans: {} as never,
      store: opened.store,
      services,
      bus,
      clock: systemClock,
      resourceUrl: API,
    });
    url = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app?.close();
    await approvals?.stop();
    await dispose?.();
  });

  it('refuses a caller without a token', async () => {
    const response = await fetch(`${url}/api/console/events`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it("streams requested and decided approvals to whoever may read them, and nobody else's", async () => {
    const controller = new AbortController();
    const alice = await listen(url, 'alice', controller.signal);
    const bob = await listen(url, 'bob', controller.signal);
    const ops = await listen(url, 'ops', controller.signal);
    await until(() => [alice, bob, ops].every((events) => events.some((e) => e.event === 'ready')));

    const decision = await policy.decide(facilitiesFor('alice'), bookRoom('2026-12-01'));
    if (decision.effect !== 'approval-required') throw new Error('expected the booking to need approval');
    const id = decision.approval.id;
    await policy.decideApproval(person('alice'), id, 'approved', API);
    await until(() => alice.length >= 3 && ops.length >= 3);
    controller.abort();

    const approvalEvents = (events: Received[]) =>
      events.filter((e) => e.event !== 'ready').map((e) => [e.event, e.data.id, e.data.state]);
    const expected = [
      ['approval.requested', id, 'pending'],
      ['approval.decided', id, 'approved'],
    ];
    expect(approvalEvents(alice)).toEqual(expected);
    expect(alice[1]?.data.arguments?.date).toBe('2026-12-01');
    // Administrators read every approval; bob may not read alice's.
    expect(approvalEvents(ops)).toEqual(expected);
    expect(approvalEvents(bob)).toEqual([]);
  });

  it('ends open streams when the server shuts down', async () => {
    const response = await fetch(`${url}/api/console/events`, { headers: { authorization: 'Bearer alice' } });
    const ended = response.text();
    await app.close();
    await expect(ended).resolves.toContain('event: ready');
  });
});
