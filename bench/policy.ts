// Policy decisions per second and p99 with 10, 100 and 1,000 policies loaded,
// against a baseline measured in the same run: Cedar's own stateful call on the
// whole preparsed set, without Parley's mapping or slicing. "evaluated" gives
// every request other arguments (which the policies read), so Cedar runs each
// time; "remembered" repeats one request, answered from the decision cache.
import type { Caller, GuardedAction } from '@parley/core';
import { compilePolicies, fromCaller, PolicyEngine, toCedarRequest } from '@parley/policy';
import { cedar } from '../packages/policy/src/cedar/cedar.ts';

const RUNS = Number(process.env.RUNS ?? 20_000);
const TARGET_P99_MS = 0.2;

function policiesText(n: number): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const approval = i % 10 === 0 ? '@approval("required") ' : '';
    lines.push(
      `${approval}permit (principal == Agent::"agent${i}", action == Action::"tools/call", resource in McpServer::"server${i % 50}") when { context has onBehalfOf && context.actorDepth <= 4 };`,
    );
  }
  lines.push(
    'forbid (principal, action, resource) when { context.arguments has blocked && context.arguments.blocked == true };',
  );
  return lines.join('\n');
}

function measure(fn: (i: number) => void): { perSecond: number; p50: number; p99: number } {
  for (let i = 0; i < 2000; i++) fn(-1 - i);
  const samples = new Float64Array(RUNS);
  const started = performance.now();
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    fn(i);
    samples[i] = performance.now() - t;
  }
  const total = performance.now() - started;
  samples.sort();
  return {
    perSecond: (RUNS / total) * 1000,
    p50: samples[Math.floor(RUNS * 0.5)] ?? 0,
    p99: samples[Math.floor(RUNS * 0.99)] ?? 0,
  };
}

const caller: Caller = {
  principal: { type: 'Agent', id: 'agent7' },
  onBehalfOf: { type: 'User', id: 'alice' },
  actorChain: ['agent7', 'concierge'],
  roles: [],
  clientId: 'agent7',
  scopes: ['calendar'],
  credential: 'access-token',
  credentialId: 'jti',
  bearer: 'x',
  expiresAt: undefined,
};
const action: GuardedAction = {
  protocol: 'mcp',
  action: 'tools/call',
  resource: { type: 'Tool', id: 'server7.find_free_slots' },
  parents: [{ type: 'McpServer', id: 'server7' }],
  arguments: { attendees: 4, duration: 1.5, who: ['a', 'b'], note: { text: 'hi' } },
  audience: 'http://127.0.0.1:7070/mcp',
  sourceIp: '127.0.0.1',
};

console.log(`policy decisions (${RUNS} each; target p99 <= ${TARGET_P99_MS} ms with 1,000 policies)`);
console.log(
  '  policies  evaluated/s  p50 ms   p99 ms   | remembered/s  p99 ms   | raw cedar/s  p99 ms   | evaluated vs raw',
);
let failed = false;
for (const n of [10, 100, 1000]) {
  const compiled = compilePolicies([{ name: `bench-${n}.cedar`, text: policiesText(n) }]);
  if (compiled.code !== 'ok') throw new Error(JSON.stringify(compiled.problems.slice(0, 3)));
  const engine = new PolicyEngine(compiled.policies);
  const decision = engine.authorize(fromCaller(caller, action, { now: Date.now() }));
  if (decision.code !== 'allow') throw new Error(`unexpected decision ${decision.code}`);
  const evaluatedBefore = engine.evaluations;
  const parley = measure((i) => {
    const distinct = { ...action, arguments: { ...action.arguments, attendees: i } };
    engine.authorize(fromCaller(caller, distinct, { now: Date.now() }));
  });
  // Every "evaluated" request must have reached Cedar, or the figures would flatter.
  if (engine.evaluations - evaluatedBefore < RUNS) throw new Error('evaluated requests were answered from the cache');
  const remembered = measure(() => {
    engine.authorize(fromCaller(caller, action, { now: Date.now() }));
  });

  // Baseline: the whole set preparsed once, the request prepared once, Cedar called directly.
  const setId = `bench-raw-${n}`;
  cedar.preparsePolicySet(setId, { staticPolicies: Object.fromEntries(compiled.policies.map((p) => [p.id, p.text])) });
  const raw = toCedarRequest(fromCaller(caller, action, { now: Date.now() }));
  const call = { ...raw, preparsedPolicySetId: setId };
  const rawStats = measure(() => {
    cedar.statefulIsAuthorized(call);
  });
  console.log(
    `  ${String(n).padStart(8)}  ${parley.perSecond.toFixed(0).padStart(11)}  ${parley.p50.toFixed(3).padStart(7)}  ${parley.p99.toFixed(3).padStart(7)}   | ${remembered.perSecond.toFixed(0).padStart(12)}  ${remembered.p99.toFixed(3).padStart(6)}   | ${rawStats.perSecond.toFixed(0).padStart(11)}  ${rawStats.p99.toFixed(3).padStart(6)}   | ${(parley.perSecond / rawStats.perSecond).toFixed(1)}x`,
  );
  if (n === 1000 && parley.p99 > TARGET_P99_MS) failed = true;
}
if (failed) console.log('  p99 with 1,000 policies is above the target');
