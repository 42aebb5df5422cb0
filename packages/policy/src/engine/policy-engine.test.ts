import { describe, expect, it } from 'vitest';
import { compilePolicies, type PolicySource } from '../source/compile.ts';
import { builtinPolicies, demoPolicies } from '../source/shipped-policies.ts';
import type { DecisionRequest } from './decision-request.ts';
import { PolicyEngine } from './policy-engine.ts';

function engineFor(sources: PolicySource[]): PolicyEngine {
  const result = compilePolicies(sources);
  if (result.code !== 'ok') throw new Error(JSON.stringify(result.problems));
  return new PolicyEngine(result.policies);
}

const demo = engineFor([...builtinPolicies(), ...demoPolicies()]);
const alice = { type: 'User', id: 'alice' };

function tool(name: string) {
  return { type: 'Tool', id: name, parents: [{ type: 'McpServer', id: name.split('.')[0] as string }] };
}

function request(
  principal: DecisionRequest['principal'],
  action: string,
  resource: DecisionRequest['resource'],
  context: Partial<DecisionRequest['context']> = {},
): DecisionRequest {
  return {
    principal,
    action,
    resource,
    context: {
      protocol: 'mcp',
      audience: 'http://127.0.0.1/mcp',
      actorChain: [],
      scopes: [],
      approval: 'none',
      time: Date.UTC(2026, 0, 5, 10),
      ...context,
    },
  };
}

const agent = (id: string) => ({ type: 'Agent', id });
const forAlice = { onBehalfOf: alice, actorChain: ['x', 'concierge'] };

describe('demo policies', () => {
  it.each([
    [
      'scheduler reads the calendar for alice',
      agent('scheduler'),
      'tools/call',
      tool('calendar.find_free_slots'),
      forAlice,
      'allow',
      ['demo-scheduler-calendar'],
    ],
    [
      'scheduler lists calendar events for alice',
      agent('scheduler'),
      'tools/call',
      tool('calendar.list_events'),
      forAlice,
      'allow',
      ['demo-scheduler-calendar'],
    ],
    ['scheduler without a user', agent('scheduler'), 'tools/call', tool('calendar.find_free_slots'), {}, 'deny', []],
    [
      'scheduler on the rooms server',
      agent('scheduler'),
      'tools/call',
      tool('rooms.search_rooms'),
      forAlice,
      'deny',
      [],
    ],
    [
      'facilities searches rooms',
      agent('facilities'),
      'tools/call',
      tool('rooms.search_rooms'),
      forAlice,
      'allow',
      ['demo-facilities-rooms'],
    ],
    [
      'facilities books a room',
      agent('facilities'),
      'tools/call',
      tool('rooms.book_room'),
      forAlice,
      'approval-required',
      ['demo-facilities-book-room', 'demo-facilities-rooms'],
    ],
    [
      'comms drafts mail',
      agent('comms'),
      'tools/call',
      tool('mail.draft_email'),
      forAlice,
      'allow',
      ['demo-comms-mail'],
    ],
    [
      'comms sends mail',
      agent('comms'),
      'tools/call',
      tool('mail.send_email'),
      forAlice,
      'approval-required',
      ['demo-comms-mail', 'demo-comms-send-email'],
    ],
    ['comms on the calendar', agent('comms'), 'tools/call', tool('calendar.list_events'), forAlice, 'deny', []],
    [
      'concierge messages the scheduler',
      agent('concierge'),
      'SendMessage',
      { type: 'A2AAgent', id: 'scheduler' },
      forAlice,
      'allow',
      ['demo-concierge-agents'],
    ],
    [
      'concierge reaches a facilities skill',
      agent('concierge'),
      'GetTask',
      { type: 'Skill', id: 'book', parents: [{ type: 'A2AAgent', id: 'facilities' }] },
      forAlice,
      'allow',
      ['demo-concierge-agents'],
    ],
    ['concierge calls a tool itself', agent('concierge'), 'tools/call', tool('mail.send_email'), forAlice, 'deny', []],
    [
      'alice calls the concierge',
      alice,
      'SendMessage',
      { type: 'A2AAgent', id: 'concierge' },
      {},
      'allow',
      ['demo-alice-concierge'],
    ],
    ['alice calls the scheduler directly', alice, 'SendMessage', { type: 'A2AAgent', id: 'scheduler' }, {}, 'deny', []],
    [
      'bob calls the concierge',
      { type: 'User', id: 'bob' },
      'SendMessage',
      { type: 'A2AAgent', id: 'concierge' },
      {},
      'deny',
      [],
    ],
    [
      'scheduler delegates to calendar',
      agent('scheduler'),
      'delegate',
      { type: 'McpServer', id: 'calendar' },
      forAlice,
      'allow',
      ['demo-scheduler-delegate'],
    ],
    [
      'admin reads policies',
      { type: 'User', id: 'root', parents: [{ type: 'Role', id: 'admin' }] },
      'policies/write',
      { type: 'Mesh', id: 'parley' },
      {},
      'allow',
      ['builtin-admin'],
    ],
    ['non-admin reads policies', alice, 'policies/read', { type: 'Mesh', id: 'parley' }, {}, 'deny', []],
  ] as const)('%s → %s', (_name, principal, action, resource, context, code, policies) => {
    const decision = demo.authorize(request(principal, action, resource, context));
    expect(decision.code).toBe(code);
    expect([...decision.policies].sort()).toEqual(policies);
  });
});

describe('decisions', () => {
  const engine = engineFor([
    {
      name: 'rules.cedar',
      text: `
@id("read") permit (principal, action == Action::"tools/call", resource in McpServer::"calendar");
@id("big-rooms") @approval("required")
permit (principal, action == Action::"tools/call", resource == Tool::"rooms.book_room")
when { context.arguments has attendees && context.arguments.attendees > 10 };
@id("small-rooms")
permit (principal, action == Action::"tools/call", resource == Tool::"rooms.book_room")
when { context.arguments has attendees && context.arguments.attendees <= 10 };
@id("no-mallory") forbid (principal == Agent::"mallory", action, resource);
@id("typed-forbid") forbid (principal, action == Action::"tools/call", resource in McpServer::"calendar")
when { context.arguments has days && context.arguments.days > 30 };
@id("price") permit (principal, action == Action::"tools/call", resource == Tool::"shop.buy")
when { context.arguments.price.lessThan(decimal("9.99")) && context.arguments.tags.contains("ok") };
`,
    },
  ]);
  const call = (principal: string, name: string, args: Record<string, unknown> = {}) =>
    engine.authorize(request(agent(principal), 'tools/call', tool(name), { arguments: args }));

  it('denies by default', () => {
    expect(call('a', 'mail.send_email')).toMatchObject({ code: 'deny', reason: 'no-permit', policies: [] });
  });
  it('lets forbid win over permit', () => {
    expect(call('mallory', 'calendar.list_events')).toMatchObject({
      code: 'deny',
      reason: 'forbidden',
      policies: ['no-mallory'],
    });
    expect(call('alice', 'calendar.list_events')).toMatchObject({ code: 'allow', policies: ['read'] });
  });
  it('reads the arguments: a big room needs approval, a small one does not', () => {
    expect(call('a', 'rooms.book_room', { attendees: 12 })).toMatchObject({
      code: 'approval-required',
      approvalPolicies: ['big-rooms'],
    });
    expect(call('a', 'rooms.book_room', { attendees: 4 })).toMatchObject({ code: 'allow', policies: ['small-rooms'] });
    expect(call('a', 'rooms.book_room', {})).toMatchObject({ code: 'deny' });
  });
  it('fails closed when a forbid cannot be evaluated', () => {
    expect(call('a', 'calendar.list_events', { days: 'many' })).toMatchObject({
      code: 'deny',
      reason: 'forbid-failed',
      policies: ['typed-forbid'],
    });
    expect(call('a', 'calendar.list_events', { days: 3 })).toMatchObject({ code: 'allow' });
  });
  it('passes floats as decimals, arrays as sets, and drops nulls and escapes', () => {
    expect(call('a', 'shop.buy', { price: 5.5, tags: ['ok', null] })).toMatchObject({
      code: 'allow',
      policies: ['price'],
    });
    expect(call('a', 'shop.buy', { price: 12.25, tags: ['ok'] })).toMatchObject({ code: 'deny' });
    const smuggled = { price: { __extn: { fn: 'decimal', arg: '1.0' } }, tags: ['ok'] };
    expect(call('a', 'shop.buy', smuggled)).toMatchObject({ code: 'deny' });
  });
  it('gives the same answers with many unrelated policies loaded (slicing is exact)', () => {
    const many = Array.from(
      { length: 300 },
      (_, i) => `permit (principal == Agent::"p${i}", action == Action::"tools/call", resource in McpServer::"s${i}");`,
    ).join('\n');
    const big = engineFor([
      { name: 'many.cedar', text: many },
      { name: 'rules.cedar', text: 'forbid (principal, action, resource in McpServer::"s7");' },
    ]);
    const ask = (p: string, t: string) => big.authorize(request(agent(p), 'tools/call', tool(t))).code;
    expect(ask('p3', 's3.x')).toBe('allow');
    expect(ask('p3', 's4.x')).toBe('deny');
    expect(ask('p7', 's7.x')).toBe('deny');
    expect(ask('p3', 's3.x')).toBe('allow');
  });
});

describe('remembered decisions', () => {
  const rules = `
@id("read") permit (principal, action == Action::"tools/call", resource in McpServer::"calendar");
@id("rooms") permit (principal, action == Action::"tools/call", resource == Tool::"rooms.book_room")
when { context.arguments has attendees && context.arguments.attendees <= 10 && context.scopes.contains("mcp") };
@id("office-hours") permit (principal, action == Action::"tools/call", resource in McpServer::"mail")
when { context.time < 1767607200 };
@id("staff") permit (principal in Role::"staff", action == Action::"tools/call", resource in McpServer::"hr");
`;
  const fresh = () => engineFor([{ name: 'rules.cedar', text: rules }]);

  it('answers a repeated request without evaluating it again', () => {
    const engine = fresh();
    const ask = () => engine.authorize(request(alice, 'tools/call', tool('calendar.list_events'))).code;
    expect([ask(), ask(), ask()]).toEqual(['allow', 'allow', 'allow']);
    expect(engine.evaluations).toBe(1);
  });
  it('evaluates again when the context attributes the policies read change', () => {
    const engine = fresh();
    const book = (attendees: number, scopes: string[]) =>
      engine.authorize(request(alice, 'tools/call', tool('rooms.book_room'), { arguments: { attendees }, scopes }))
        .code;
    expect(book(4, ['mcp'])).toBe('allow');
    expect(book(12, ['mcp'])).toBe('deny');
    expect(book(4, ['a2a'])).toBe('deny');
    expect(book(4, ['mcp'])).toBe('allow');
    expect(engine.evaluations).toBe(3);
  });
  it('does not hold a decision keyed by large arguments (bounded memory)', () => {
    const engine = fresh();
    const book = () =>
      engine.authorize(
        request(alice, 'tools/call', tool('rooms.book_room'), {
          arguments: { attendees: 4, note: 'x'.repeat(10_000) },
          scopes: ['mcp'],
        }),
      ).code;
    expect([book(), book()]).toEqual(['allow', 'allow']);
    expect(engine.evaluations).toBe(2);
  });
  it('never reuses a decision of a policy that reads the clock', () => {
    const engine = fresh();
    const at = (time: number) => engine.authorize(request(alice, 'tools/call', tool('mail.send_email'), { time })).code;
    expect(at(Date.UTC(2026, 0, 5, 9))).toBe('allow');
    expect(at(Date.UTC(2026, 0, 5, 11))).toBe('deny');
  });
  it('evaluates again when the principal’s groups change, and forgets everything on a new policy set', () => {
    const engine = fresh();
    const ask = (parents: { type: string; id: string }[]) =>
      engine.authorize(request({ ...alice, parents }, 'tools/call', tool('hr.salaries'))).code;
    expect(ask([{ type: 'Role', id: 'staff' }])).toBe('allow');
    expect(ask([])).toBe('deny');
    const loaded = compilePolicies([
      { name: 'rules.cedar', text: rules.replace('@id("staff") permit', '@id("staff") forbid') },
    ]);
    if (loaded.code !== 'ok') throw new Error('invalid');
    engine.load(loaded.policies);
    expect(ask([{ type: 'Role', id: 'staff' }])).toBe('deny');
  });
});
