// The gateway's upstream call, layer by layer: main-thread CPU per call
// (process.threadCpuUsage, steadier than throughput on shared cores) of a
// stateless tools/call to the lean MCP upstream (on its own thread), at 10
// concurrent calls: a raw fetch (the baseline), the guarded outbound client,
// the guarded client with trace propagation (what the gateway uses), and the
// official SDK client over each.
//   CALLS=3000 node bench/outbound.ts
import { isMainThread, parentPort, Worker } from 'node:worker_threads';

const CALLS = Number(process.env.CALLS ?? 3000);
const CONCURRENCY = 10;

async function main(): Promise<void> {
  const { Client, StreamableHTTPClientTransport } = await import('@modelcontextprotocol/client');
  const { createGuardedFetch, toFetch } = await import('@parley/core');
  const { tracedFetch } = await import('@parley/audit');

  const upstream = new Worker(new URL(import.meta.url));
  const url = await new Promise<string>((resolve, reject) => {
    upstream.once('message', resolve);
    upstream.once('error', reject);
  });
  // Loopback upstreams are an administrator's choice (as in `parley dev`).
  const guarded = toFetch(createGuardedFetch({ allowPrivateNetworks: true })) as typeof fetch;
  const traced = tracedFetch(guarded) as typeof fetch;
  const body = JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'tools/call',
    params: {
      name: 'test_simple_text',
      arguments: {},
      _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' },
    },
  });
  const headers = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': '2026-07-28',
  };
  const post = (f: typeof fetch) => async () => (await f(url, { method: 'POST', headers, body })).text();

  const measure = async (call: () => Promise<unknown>): Promise<number> => {
    for (let i = 0; i < 1500; i++) await call();
    const before = process.threadCpuUsage();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let i = 0; i < CALLS / CONCURRENCY; i++) await call();
      }),
    );
    const used = process.threadCpuUsage(before);
    return (used.user + used.system) / CALLS;
  };
  const sdk = async (f: typeof fetch) => {
    const client = new Client({ name: 'bench', version: '1' }, { versionNegotiation: { mode: 'auto' } });
    await client.connect(new StreamableHTTPClientTransport(new URL(url), { fetch: f }));
    try {
      return await measure(() => client.callTool({ name: 'test_simple_text', arguments: {} }));
    } finally {
      await client.close();
    }
  };

  const rows: Array<[string, number]> = [];
  try {
    rows.push(['raw fetch (baseline)', await measure(post(fetch))]);
    rows.push(['guarded fetch', await measure(post(guarded))]);
    rows.push(['guarded + trace propagation', await measure(post(traced))]);
    rows.push(['SDK client over raw fetch', await sdk(fetch)]);
    rows.push(['SDK client over guarded + traced (gateway)', await sdk(traced)]);
  } finally {
    await upstream.terminate();
  }
  const baseline = rows[0]?.[1] ?? 1;
  console.log(`upstream tools/call, main-thread CPU per call (${CALLS} calls, ${CONCURRENCY} concurrent)`);
  for (const [name, us] of rows) {
    console.log(`  ${name.padEnd(44)} ${us.toFixed(0).padStart(5)} µs   x${(us / baseline).toFixed(2)}`);
  }
}

if (isMainThread) await main();
else {
  const { serveLean } = await import('./support/lean-mcp.ts');
  parentPort?.postMessage((await serveLean()).url);
}
