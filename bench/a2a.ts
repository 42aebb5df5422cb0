// A2A: SendMessage throughput and latency through the proxy (`/a2a/<agent>`:
// authentication by Parley's identity part verifying a real ES256 access
// token, policy decision, audit record, ownership) against the same agent
// mounted directly (`mountAgent`, no pipeline), in one run; then SSE events
// per second to 100 concurrent SubscribeToTask subscribers of one task, with
// a check that no subscriber missed or reordered an event.
//
// The pipeline is the test kind: identity is real (IdentityService
// authenticate, jose verification, revocation lookups); decide allows and
// record keeps hops in memory, so policy and audit costs are not included.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  A2AService,
  AgentRuntime,
  artifact,
  CardSigner,
  defineAgent,
  GeneratedAgentKeyStore,
  mountAgent,
  readSse,
  TaskEvents,
  TaskManager,
  TaskStore,
  working,
} from '@parley/a2a';
import {
  type Caller,
  createGuardedFetch,
  type GuardDecision,
  type HopRecord,
  InProcessBus,
  type RequestPipeline,
  silentLogger,
  systemClock,
  toFetch,
} from '@parley/core';
import { IdentityService, TOKEN_TYPE } from '@parley/identity';
import { Store } from '@parley/store';
import Fastify from 'fastify';

const REQUESTS = Number(process.env.REQUESTS ?? 1500);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 16);
const SUBSCRIBERS = Number(process.env.SUBSCRIBERS ?? 100);
const EVENTS = Number(process.env.EVENTS ?? 200);
const TARGET_RATIO = 0.4;

const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-a2a-'));
const store = await Store.open({ dataDir });
const logger = silentLogger();
const bus = new InProcessBus();

// The SSE agent waits for the bench's go, then streams EVENTS numbered updates.
let release: () => void = () => {};
const go = new Promise<void>((resolve) => {
  release = resolve;
});
const echo = defineAgent({
  name: 'echo',
  card: { description: 'Echoes' },
  skills: [{ id: 'echo', name: 'Echo', description: 'echo text back' }],
  async *execute(context) {
    if (context.text === 'fan-out') {
      await go;
      for (let i = 1; i <= EVENTS; i++) yield working(String(i));
      return 'done';
    }
    yield artifact({ name: 'echo', text: context.text });
    return context.text;
  },
});

// One HTTP server holds both: the proxy at /a2a/echo and the agent mounted directly at /direct/echo.
const app = Fastify();
await app.listen({ host: '127.0.0.1', port: 0 });
const port = (app.server.address() as { port: number }).port;
await app.close();
const baseUrl = `http://127.0.0.1:${port}`;

const identity = await IdentityService.start({
  baseUrl,
  store,
  bus,
  clock: systemClock,
  logger,
  settings: { accessTokenTtl: 3_600_000, refreshTokenTtl: 86_400_000, maxDelegationDepth: 4, trustedIssuers: [] },
  fetch,
});
await identity.createUser({ username: 'alice', password: 'correct horse battery' });
await identity.createAgent({ name: 'planner' });
const { key } = await identity.createApiKey({ principal: 'alice', scopes: [] });

const hops: HopRecord[] = [];
const allow: GuardDecision = { effect: 'allow', policies: ['bench-allow'] };
const pipeline: RequestPipeline = {
  authenticate: (request, resource) => identity.authenticate(request, resource),
  decide: async () => allow,
  permitted: async (_caller, actions) => actions.map(() => true),
  waitForApproval: async () => 'expired',
  consumeApproval: async () => false,
  releaseApproval: async () => {},
  credentialFor: async (caller: Caller, audience: string) =>
    (
      await identity.exchangeToken({
        subjectToken: caller.bearer,
        subjectTokenType: TOKEN_TYPE.accessToken,
        actorClientId: 'planner',
        resource: audience,
      })
    ).accessToken,
  forward: (_action, call) => call(),
  record: async (hop) => {
    if (hops.length > 10_000) hops.length = 0;
    hops.push(hop);
  },
};

const server = Fastify();
const keys = new GeneratedAgentKeyStore();
const guarded = createGuardedFetch({ allowPrivateNetworks: true, timeout: 10_000 });
const service = await A2AService.start({
  app: server,
  baseUrl,
  store,
  bus,
  clock: systemClock,
  logger,
  pipeline,
  keys,
  agents: [echo],
  fetch: guarded,
  streamFetch: toFetch(guarded),
  webhooks: { allowPrivateNetworks: false, allowedHosts: [] },
});
const directStore = await Store.open({ url: `sqlite:${join(dataDir, 'direct.db')}` });
await mountAgent(server, {
  prefix: '/direct/echo',
  url: `${baseUrl}/direct/echo`,
  runtime: new AgentRuntime({
    agent: echo,
    tasks: new TaskManager({
      store: new TaskStore(directStore, systemClock),
      events: new TaskEvents(bus),
      clock: systemClock,
    }),
    logger,
  }),
  signer: new CardSigner(keys),
  keys,
});
await server.listen({ host: '127.0.0.1', port });

const proxyUrl = `${baseUrl}/a2a/echo`;
const directUrl = `${baseUrl}/direct/echo`;
const token = (
  await identity.exchangeToken({
    subjectToken: key,
    subjectTokenType: TOKEN_TYPE.apiKey,
    actorClientId: 'planner',
    resource: proxyUrl,
  })
).accessToken;

let nextId = 0;
async function sendMessage(url: string, text: string, extra: Record<string, unknown> = {}): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: ++nextId,
      method: 'SendMessage',
      params: { message: { messageId: crypto.randomUUID(), role: 'ROLE_USER', parts: [{ text }] }, ...extra },
    }),
  });
  const body = (await response.json()) as { result?: { task?: { id: string; status: { state: string } } } };
  if (!body.result?.task) throw new Error(`SendMessage to ${url} failed: ${JSON.stringify(body)}`);
  return body.result.task;
}

interface Run {
  perSecond: number;
  p50: number;
  p99: number;
}

async function load(url: string, requests: number): Promise<Run> {
  const latencies: number[] = [];
  let issued = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (issued < requests) {
        issued++;
        const t = performance.now();
        await sendMessage(url, 'hello');
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    perSecond: latencies.length / seconds,
    p50: latencies[Math.floor(latencies.length * 0.5)] ?? 0,
    p99: latencies[Math.floor(latencies.length * 0.99)] ?? 0,
  };
}

function best(runs: Run[]): Run {
  return runs.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
}

const line = (label: string, run: Run) =>
  console.log(
    `  ${label.padEnd(34)} ${Math.round(run.perSecond).toLocaleString('en-US').padStart(7)} msg/s   p50 ${run.p50.toFixed(2)} ms   p99 ${run.p99.toFixed(2)} ms`,
  );

console.log(`SendMessage (blocking, ${CONCURRENCY} concurrent clients, ${REQUESTS} messages per round, best of 2)`);
await load(directUrl, 200);
await load(proxyUrl, 200);
const directRuns: Run[] = [];
const proxyRuns: Run[] = [];
for (let round = 0; round < 2; round++) {
  directRuns.push(await load(directUrl, REQUESTS));
  proxyRuns.push(await load(proxyUrl, REQUESTS));
}
const direct = best(directRuns);
const proxied = best(proxyRuns);
line('direct (mountAgent, no pipeline)', direct);
line('through the proxy (/a2a/echo)', proxied);
const ratio = proxied.perSecond / direct.perSecond;
console.log(
  `  proxy/direct throughput ${(ratio * 100).toFixed(0)}% (target >= ${TARGET_RATIO * 100}%): ${ratio >= TARGET_RATIO ? 'PASS' : 'FAIL'}`,
);
console.log(
  `  proxy/direct latency    p50 x${(proxied.p50 / direct.p50).toFixed(2)}   p99 x${(proxied.p99 / direct.p99).toFixed(2)}`,
);

// SSE fan-out: SUBSCRIBERS streams on one task, each must see 1..EVENTS in order, then COMPLETED.
console.log(`\nSubscribeToTask fan-out (${SUBSCRIBERS} subscribers, ${EVENTS} updates)`);
const task = (await sendMessage(proxyUrl, 'fan-out', { configuration: { returnImmediately: true } })) as { id: string };
let subscribed = 0;
let allSubscribed: () => void = () => {};
const ready = new Promise<void>((resolve) => {
  allSubscribed = resolve;
});
const subscriber = async (): Promise<{ texts: string[]; final: string | undefined }> => {
  const response = await fetch(proxyUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
    body: JSON.stringify({ jsonrpc: '2.0', id: ++nextId, method: 'SubscribeToTask', params: { id: task.id } }),
  });
  if (!response.body) throw new Error('no stream');
  const texts: string[] = [];
  let final: string | undefined;
  for await (const event of readSse(response.body)) {
    const result = (
      JSON.parse(event.data) as {
        result?: {
          task?: unknown;
          statusUpdate?: { status: { state: string; message?: { parts: Array<{ text?: string }> } } };
        };
      }
    ).result;
    if (result?.task) {
      if (++subscribed === SUBSCRIBERS) allSubscribed();
      continue;
    }
    const status = result?.statusUpdate?.status;
    if (status?.state === 'TASK_STATE_WORKING' && status.message) texts.push(status.message.parts[0]?.text ?? '');
    else if (status) final = status.state;
  }
  return { texts, final };
};
const streams = Array.from({ length: SUBSCRIBERS }, () => subscriber());
await ready;
const started = performance.now();
release();
const results = await Promise.all(streams);
const seconds = (performance.now() - started) / 1000;
const expected = Array.from({ length: EVENTS }, (_, i) => String(i + 1));
const broken = results.filter(
  (result) =>
    result.final !== 'TASK_STATE_COMPLETED' ||
    result.texts.length !== expected.length ||
    result.texts.some((text, i) => text !== expected[i]),
);
const delivered = results.reduce((sum, result) => sum + result.texts.length + 1, 0);
console.log(
  `  ${delivered.toLocaleString('en-US')} events to ${SUBSCRIBERS} subscribers in ${seconds.toFixed(2)} s: ${Math.round(delivered / seconds).toLocaleString('en-US')} events/s`,
);
console.log(
  `  every subscriber saw ${EVENTS} updates in order, then COMPLETED: ${broken.length === 0 ? 'PASS' : `FAIL (${broken.length} subscribers missed or reordered)`}`,
);

await server.close();
await service.stop();
await identity.stop?.();
await directStore.close();
await store.close();
rmSync(dataDir, { recursive: true, force: true });
process.exitCode = ratio >= TARGET_RATIO && broken.length === 0 ? 0 : 1;
