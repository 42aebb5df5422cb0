// tools/call throughput and p50/p99 at 1, 10 and 100 concurrent clients through
// the real mesh (startMesh, default parts: identity, policy, audit, pipeline,
// mcp) against calling the same upstream directly, a bare node:http proxy to
// the lean upstream on the mesh's thread (the cap of a second hop with no
// features), and a plain node:http JSON-RPC echo server (the ceiling of one
// hop). Two upstreams: a minimal
// node:http MCP server (bench/support/lean-mcp.ts, so the gateway's own cost
// shows) and the SDK-built everything server. Requests are stateless
// 2026-07-28 tools/call POSTs. Three threads, as in production: the mesh on
// the main thread, the upstreams (and the echo) on one worker, the load on
// another. The caller's credential is a JWT access token for the gateway (alice's, obtained by an agent
// through RFC 8693 token exchange, so the gateway verifies a signature and an actor chain on every call);
// CREDENTIAL=api-key uses alice's API key instead. The load calls with fetch (undici), as
// most clients do; LOAD_CLIENT=http uses a keep-alive node:http agent instead, which
// costs a fraction per call, so every target's figure, and the ceiling's most, goes up.
// Besides the process's CPU
// per call, the table splits out the mesh's thread, the SQLite writer thread
// (audit chain and span store) and V8's helper threads (GC, background compilation;
// both read from /proc, so Linux only). Shared machines drift by
// several times within minutes, so each (clients, target) runs ROUNDS times
// (default 3), the targets taking turns, and the table shows medians; the
// ratio to the ceiling is the median of each round's own ratio.
//   DURATION_MS=2000 CONCURRENCY=1,10 TARGETS=lean ROUNDS=1 node bench/mcp.ts
// DEBUG_BENCH=1 prints every answer that is not the expected result.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

const DURATION_MS = Number(process.env.DURATION_MS ?? 3000);
const WARMUP_MS = 1000;
const CONCURRENCY = (process.env.CONCURRENCY ?? '1,10,100').split(',').map(Number);
const TARGETS = process.env.TARGETS?.split(',');
const TARGET_RATIO = 0.4;
const TARGET_ADDED_P50_MS = 1;
const CREDENTIAL = process.env.CREDENTIAL === 'api-key' ? 'api-key' : 'jwt';
const ROUNDS = Math.max(1, Number(process.env.ROUNDS ?? 3));
const LOAD_CLIENT = process.env.LOAD_CLIENT === 'http' ? 'http' : 'fetch';
/** What V8's platform worker threads are named on Linux (GC helpers, background compilation). */
const V8_HELPER_THREAD_NAME = 'V8Worker';

interface Load {
  url: string;
  tool: string;
  token?: string;
  concurrency: number;
  durationMs: number;
}
interface Result {
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
  /** Event-loop utilization of the mesh's thread while the load ran (1 = saturated). */
  meshElu?: number;
  /** CPU time of the whole process (every thread) per call, in µs. */
  cpuPerCall?: number;
  /** CPU time of the mesh's own thread per call, in µs (steadier than throughput on shared cores). */
  meshCpuPerCall?: number;
  /** CPU time of the audit and span writer thread per call, in µs (Linux only). */
  writerCpuPerCall?: number;
  /**
   * CPU time of V8's helper threads per call, in µs (Linux only): parallel and
   * concurrent GC and background compilation, for every thread of the
   * process, so the ceiling's figure is the load's and the upstream's share.
   */
  v8HelpersCpuPerCall?: number;
}

const callBody = (tool: string) =>
  JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'tools/call',
    params: {
      name: tool,
      arguments: {},
      _meta: {
        'io.modelcontextprotocol/protocolVersion': '2026-07-28',
        'io.modelcontextprotocol/clientInfo': { name: 'bench', version: '1' },
        'io.modelcontextprotocol/clientCapabilities': {},
      },
    },
  });

async function runLoad(load: Load): Promise<Result> {
  const headers: Record<string, string> = {
    accept: 'application/json, text/event-stream',
    'content-type': 'application/json',
    'mcp-protocol-version': '2026-07-28',
    'mcp-method': 'tools/call',
    'mcp-name': load.tool,
    ...(load.token ? { authorization: `Bearer ${load.token}` } : {}),
  };
  const body = callBody(load.tool);
  const httpHeaders = { ...headers, 'content-length': String(Buffer.byteLength(body)) };
  const agent = new Agent({ keepAlive: true, maxSockets: load.concurrency });
  const call = LOAD_CLIENT === 'http' ? httpCall : fetchCall;
  /** Whether an answer is the tool's result; DEBUG_BENCH prints every other one. */
  const answered = (status: number, ok: boolean, text: string) => {
    const result = text.includes('simple text response');
    if (process.env.DEBUG_BENCH && !result) console.error(status, text);
    return ok && result;
  };
  async function fetchCall(): Promise<boolean> {
    const response = await fetch(load.url, { method: 'POST', headers, body });
    return answered(response.status, response.ok, await response.text());
  }
  function httpCall(): Promise<boolean> {
    return new Promise((resolve, reject) => {
      const out = request(load.url, { method: 'POST', headers: httpHeaders, agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          resolve(answered(status, status === 200, Buffer.concat(chunks).toString('utf8')));
        });
      });
      out.on('error', reject);
      out.end(body);
    });
  }
  const phase = async (ms: number, samples: number[] | undefined) => {
    let errors = 0;
    const until = performance.now() + ms;
    await Promise.all(
      Array.from({ length: load.concurrency }, async () => {
        while (performance.now() < until) {
          const t = performance.now();
          const ok = await call().catch(() => false);
          if (!ok) errors++;
          samples?.push(performance.now() - t);
        }
      }),
    );
    return errors;
  };
  await phase(WARMUP_MS, undefined);
  const samples: number[] = [];
  const started = performance.now();
  const errors = await phase(load.durationMs, samples);
  agent.destroy();
  const elapsed = performance.now() - started;
  samples.sort((a, b) => a - b);
  return {
    perSecond: (samples.length / elapsed) * 1000,
    p50: samples[Math.floor(samples.length * 0.5)] ?? 0,
    p99: samples[Math.floor(samples.length * 0.99)] ?? 0,
    errors,
  };
}

/**
 * The load's thread, started once and kept warm across runs: a fresh thread per
 * run spent most of its first seconds compiling the HTTP client (over a second
 * of V8's background compilation per run, on cores the target shares), which is
 * the harness's cost, not the target's.
 */
function startLoadThread(): { run(load: Load): Promise<Result>; close(): Promise<void> } {
  const worker = new Worker(new URL(import.meta.url), { workerData: { role: 'load' }, name: 'bench-load' });
  return {
    run: (load) =>
      new Promise((resolve, reject) => {
        const onError = (error: Error) => reject(error);
        worker.once('error', onError);
        worker.once('message', (result: Result) => {
          worker.off('error', onError);
          resolve(result);
        });
        worker.postMessage(load);
      }),
    close: () => worker.terminate().then(() => undefined),
  };
}

interface Upstreams {
  lean: string;
  everything: string;
  echo: string;
}

/** The upstreams and the echo, on their own thread; `close()` ends it. */
async function startUpstreams(): Promise<Upstreams & { close(): Promise<void> }> {
  const worker = new Worker(new URL(import.meta.url), { workerData: { role: 'upstreams' }, name: 'bench-upstreams' });
  const urls = await new Promise<Upstreams>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return { ...urls, close: () => worker.terminate().then(() => undefined) };
}

async function serveUpstreams(): Promise<void> {
  const { serveEverything } = await import('@parley/example-mcp-everything');
  const { serveLean } = await import('./support/lean-mcp.ts');
  const [everything, lean, echo] = await Promise.all([serveEverything(), serveLean(), startEcho()]);
  parentPort?.postMessage({ lean: lean.url, everything: everything.url, echo: echo.url } satisfies Upstreams);
}

/** The ceiling: a node:http server that answers every POST with a canned JSON-RPC result. */
async function startEcho(): Promise<{ url: string; close(): void }> {
  const answer = JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    result: { content: [{ type: 'text', text: 'This is a simple text response for testing.' }] },
  });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const { id } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: unknown };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(answer.replace('"id":1', `"id":${JSON.stringify(id)}`));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`, close: () => server.close() };
}

/**
 * The cap of a second hop: a node:http server on the mesh's thread that relays each POST body to
 * `upstream` over a keep-alive agent and relays the answer, with nothing else (no auth, policy, audit,
 * tracing or validation). What the gateway costs beyond this is the cost of its features.
 */
async function startBareProxy(upstream: string): Promise<{ url: string; close(): void }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const target = new URL(upstream);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const out = request(
        target,
        {
          method: 'POST',
          agent,
          headers: {
            accept: 'application/json, text/event-stream',
            'content-type': 'application/json',
            'content-length': body.length,
            'mcp-protocol-version': '2026-07-28',
          },
        },
        (answer) => {
          const parts: Buffer[] = [];
          answer.on('data', (c: Buffer) => parts.push(c));
          answer.on('end', () => {
            res.writeHead(answer.statusCode ?? 502, {
              'content-type': answer.headers['content-type'] ?? 'application/json',
            });
            res.end(Buffer.concat(parts));
          });
        },
      );
      out.on('error', () => res.writeHead(502).end());
      out.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`,
    close: () => {
      server.close();
      agent.destroy();
    },
  };
}

/**
 * CPU time (µs) of this process's threads named `name`, from `/proc` (Linux);
 * undefined elsewhere. Threads that ended meanwhile are not counted.
 */
function threadCpu(name: string): number | undefined {
  let tasks: string[];
  try {
    tasks = readdirSync('/proc/self/task');
  } catch {
    return undefined;
  }
  const tick = 1_000_000 / 100; // USER_HZ is 100 on Linux
  let total = 0;
  for (const tid of tasks) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) !== name) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) * tick;
    } catch {
      // The thread ended while being read.
    }
  }
  return total;
}

/** alice's API key exchanged by an agent (RFC 8693) for an access token whose audience is the gateway. */
async function exchangeForJwt(
  identity: import('@parley/identity').IdentityService,
  meshUrl: string,
  apiKey: string,
): Promise<string> {
  const agent = await identity.createAgent({ name: 'bench-agent', authMethod: 'client_secret_basic' });
  const response = await fetch(`${meshUrl}/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${agent.clientId}:${agent.clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: apiKey,
      subject_token_type: 'urn:parley:params:oauth:token-type:api-key',
      resource: `${meshUrl}/mcp`,
      scope: 'mcp',
    }),
  });
  const body = (await response.json()) as { access_token?: string };
  if (!response.ok || !body.access_token) throw new Error(`token exchange failed: ${JSON.stringify(body)}`);
  return body.access_token;
}

async function main(): Promise<void> {
  const { validateConfig } = await import('@parley/config');
  const { silentLogger } = await import('@parley/core');
  const { startMesh } = await import('@parley/server');
  const { WRITER_THREAD_NAME } = await import('@parley/audit');
  type Identity = import('@parley/identity').IdentityService;

  const upstreams = await startUpstreams();
  const bareProxy = await startBareProxy(upstreams.lean);
  const loadThread = startLoadThread();
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-mcp-'));
  const policyFile = join(dataDir, 'bench.cedar');
  writeFileSync(
    policyFile,
    '@id("bench-alice") permit (principal == User::"alice", action, resource in McpServer::"everything");\n' +
      '@id("bench-alice-lean") permit (principal == User::"alice", action, resource in McpServer::"lean");\n' +
      // The agent holding alice's exchanged token acts only on her behalf, and so reads the actor chain on every call.
      '@id("bench-agent") permit (principal == Agent::"bench-agent", action, resource) when { context has onBehalfOf && (resource in McpServer::"lean" || resource in McpServer::"everything") };\n',
  );
  const mesh = await startMesh({
    config: validateConfig({
      dataDir,
      server: { port: 0 },
      log: { level: 'silent' },
      policy: { files: [policyFile] },
      mcp: {
        servers: [
          { name: 'lean', url: upstreams.lean },
          { name: 'everything', url: upstreams.everything },
        ],
        rateLimit: { requests: 10_000_000, window: '1m' },
        directToolCalls: process.env.DIRECT !== '0',
      },
    }),
    mode: 'dev',
    logger: silentLogger(),
  });
  const identity = mesh.context.services.get('identity') as Identity;
  // alice's API key, bound to the gateway's resource URL; by default exchanged for a JWT, as an agent acting for her would hold.
  const { key } = await identity.createApiKey({ principal: 'alice', scopes: ['mcp'], resources: [`${mesh.url}/mcp`] });
  const token = CREDENTIAL === 'api-key' ? key : await exchangeForJwt(identity, mesh.url, key);

  const runs: Array<{ name: string; c: number; round: number; r: Result }> = [];
  try {
    for (const concurrency of CONCURRENCY) {
      const tool = 'test_simple_text';
      const targets = [
        { name: 'gateway -> lean', url: `${mesh.url}/mcp`, tool: `lean.${tool}`, token },
        { name: 'lean direct', url: upstreams.lean, tool },
        { name: 'node:http proxy -> lean (second-hop cap)', url: bareProxy.url, tool },
        { name: 'gateway -> everything (SDK)', url: `${mesh.url}/mcp`, tool: `everything.${tool}`, token },
        { name: 'everything (SDK) direct', url: upstreams.everything, tool },
        { name: 'node:http echo (ceiling)', url: upstreams.echo, tool },
      ].filter((t) => !TARGETS || t.name.includes('ceiling') || TARGETS.some((x) => t.name.includes(x)));
      for (let round = 0; round < ROUNDS; round++)
        for (const target of targets) {
          const before = performance.eventLoopUtilization();
          const cpu = process.cpuUsage();
          const meshCpu = process.threadCpuUsage();
          const writerCpu = threadCpu(WRITER_THREAD_NAME);
          const helpersCpu = threadCpu(V8_HELPER_THREAD_NAME);
          const r = await loadThread.run({ ...target, concurrency, durationMs: DURATION_MS });
          const writerUsed = (threadCpu(WRITER_THREAD_NAME) ?? 0) - (writerCpu ?? 0);
          const helpersUsed = (threadCpu(V8_HELPER_THREAD_NAME) ?? 0) - (helpersCpu ?? 0);
          r.meshElu = performance.eventLoopUtilization(before).utilization;
          const used = process.cpuUsage(cpu);
          const meshUsed = process.threadCpuUsage(meshCpu);
          const calls = r.perSecond * ((DURATION_MS + WARMUP_MS) / 1000);
          r.cpuPerCall = (used.user + used.system) / calls;
          r.meshCpuPerCall = (meshUsed.user + meshUsed.system) / calls;
          if (writerCpu !== undefined) r.writerCpuPerCall = writerUsed / calls;
          if (helpersCpu !== undefined) r.v8HelpersCpuPerCall = helpersUsed / calls;
          runs.push({ name: target.name, c: concurrency, round, r });
        }
    }
  } finally {
    await mesh.close();
    await loadThread.close();
    bareProxy.close();
    await upstreams.close();
    rmSync(dataDir, { recursive: true, force: true });
  }

  const rows = medians(runs);
  const f = (n: number, d = 2) => n.toFixed(d);
  console.log(`caller credential: ${CREDENTIAL === 'jwt' ? 'JWT access token (delegated, RFC 8693)' : 'API key'}`);
  console.log(`load client: ${LOAD_CLIENT === 'http' ? 'node:http keep-alive agent' : 'fetch (undici)'}\n`);
  console.log(
    '| target | clients | calls/s | p50 ms | p99 ms | errors | vs ceiling | CPU µs/call | mesh thread busy | mesh CPU µs/call | writer CPU µs/call | V8 helpers CPU µs/call |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  let ok = true;
  for (const { name, c, r } of rows) {
    console.log(
      `| ${name} | ${c} | ${f(r.perSecond, 0)} | ${f(r.p50)} | ${f(r.p99)} | ${r.errors} | ${f(r.vsCeiling * 100, 0)}% | ${f(r.cpuPerCall ?? 0, 0)} | ${name.startsWith('gateway') || name.includes('proxy') ? `${f((r.meshElu ?? 0) * 100, 0)}% | ${f(r.meshCpuPerCall ?? 0, 0)}` : ' |'} | ${name.startsWith('gateway') && r.writerCpuPerCall !== undefined ? f(r.writerCpuPerCall, 0) : ''} | ${r.v8HelpersCpuPerCall === undefined ? '' : f(r.v8HelpersCpuPerCall, 0)} |`,
    );
    if (r.errors > 0) ok = false;
  }
  const at = (name: string, c: number) => rows.find((x) => x.c === c && x.name === name)?.r;
  let missed = false;
  for (const [upstream, direct] of [
    ['gateway -> lean', 'lean direct'],
    ['gateway -> everything (SDK)', 'everything (SDK) direct'],
  ] as const) {
    if (!at(upstream, CONCURRENCY[0] ?? 1)) continue;
    const added = (at(upstream, 1)?.p50 ?? Number.NaN) - (at(direct, 1)?.p50 ?? Number.NaN);
    const best = Math.max(...CONCURRENCY.map((c) => at(upstream, c)?.vsCeiling ?? 0));
    const vsDirect = Math.max(
      ...CONCURRENCY.map((c) => (at(upstream, c)?.perSecond ?? 0) / (at(direct, c)?.perSecond ?? 1)),
    );
    console.log(`\n${upstream}:`);
    console.log(`  added p50 at 1 client (gateway - direct): ${f(added, 3)} ms (target <= ${TARGET_ADDED_P50_MS} ms)`);
    console.log(`  best gateway/ceiling throughput: ${f(best * 100, 0)}% (target >= ${TARGET_RATIO * 100}%)`);
    console.log(`  best gateway/direct throughput: ${f(vsDirect * 100, 0)}%`);
    if (upstream === 'gateway -> lean' && (added > TARGET_ADDED_P50_MS || best < TARGET_RATIO)) missed = true;
  }
  if (missed) console.log('TARGET MISSED');
  if (!ok) process.exitCode = 1;
}

/** One row per (target, clients): the median of each figure over the rounds, and of each round's ratio to the ceiling. */
function medians(runs: ReadonlyArray<{ name: string; c: number; round: number; r: Result }>) {
  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
  };
  const rows: Array<{ name: string; c: number; r: Result & { vsCeiling: number } }> = [];
  for (const { name, c } of runs) {
    if (rows.some((row) => row.name === name && row.c === c)) continue;
    const mine = runs.filter((run) => run.name === name && run.c === c);
    const pick = (get: (r: Result) => number | undefined) => median(mine.map((run) => get(run.r) ?? 0));
    const vsCeiling = median(
      mine.map((run) => {
        const ceiling = runs.find((x) => x.c === c && x.round === run.round && x.name.includes('ceiling'));
        return run.r.perSecond / (ceiling?.r.perSecond ?? Number.POSITIVE_INFINITY);
      }),
    );
    rows.push({
      name,
      c,
      r: {
        perSecond: pick((r) => r.perSecond),
        p50: pick((r) => r.p50),
        p99: pick((r) => r.p99),
        errors: mine.reduce((sum, run) => sum + run.r.errors, 0),
        meshElu: pick((r) => r.meshElu),
        cpuPerCall: pick((r) => r.cpuPerCall),
        meshCpuPerCall: pick((r) => r.meshCpuPerCall),
        writerCpuPerCall: pick((r) => r.writerCpuPerCall),
        v8HelpersCpuPerCall: pick((r) => r.v8HelpersCpuPerCall),
        vsCeiling,
      },
    });
  }
  return rows;
}

if (isMainThread) await main();
else if ((workerData as { role: string }).role === 'upstreams') await serveUpstreams();
else parentPort?.on('message', async (load: Load) => parentPort?.postMessage(await runLoad(load)));
