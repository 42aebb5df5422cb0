// Plain 2026-07-28 tools/call requests are answered without the SDK's
// per-request server and client (mcp.directToolCalls). These tests run the
// same calls through two real meshes, one with the direct path and one
// without, against one recording upstream, and hold the answers equal.
import { createServer, type IncomingHttpHeaders, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuditLog, MeshMetrics } from '@parley/audit';
import type { PolicyService } from '@parley/policy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type McpMesh, startMcpMesh } from './support/mesh.ts';

const VERSION = '2026-07-28';
const TOOLS = [
  'echo',
  'streamed',
  'failing',
  'asks',
  'asks-approved',
  'asks-badly',
  'malformed',
  'crashing',
  'secret',
  'slow',
];

interface Seen {
  headers: IncomingHttpHeaders;
  body: {
    params: {
      name: string;
      arguments?: Record<string, unknown>;
      _meta: Record<string, unknown>;
      inputResponses?: unknown;
      requestState?: unknown;
    };
  };
}

/** A 2026-07-28 upstream on node:http whose tools answer in every way an upstream may. */
async function startUpstream() {
  const seen: Seen[] = [];
  /** Calls to `slow` whose request was closed before it answered, by the call's first argument. */
  const cancelled: unknown[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rpc = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      if (rpc.id === undefined) return void res.writeHead(202).end();
      const ok = (result: object) => ({ jsonrpc: '2.0', id: rpc.id, result: { resultType: 'complete', ...result } });
      const json = (body: object) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (rpc.method === 'server/discover') {
        return json(ok({ supportedVersions: [VERSION], capabilities: { tools: {} }, ttlMs: 0, cacheScope: 'public' }));
      }
      if (rpc.method === 'tools/list') {
        const tools = TOOLS.map((name) => ({ name, inputSchema: { type: 'object' } }));
        return json(ok({ tools, ttlMs: 0, cacheScope: 'public' }));
      }
      if (rpc.method !== 'tools/call')
        return json({ jsonrpc: '2.0', id: rpc.id, error: { code: -32601, message: 'nf' } });
      seen.push({ headers: req.headers, body: rpc });
      const args = rpc.params.arguments ?? {};
      switch (rpc.params.name) {
        case 'echo':
          return json(
            ok({ content: [{ type: 'text', text: `echo ${JSON.stringify(args)}` }], structuredContent: args }),
          );
        case 'streamed': {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          const note = { jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'working' } };
          res.write(`event: message\r\ndata: ${JSON.stringify(note)}\r\n\r\n`);
          const answer = JSON.stringify(ok({ content: [{ type: 'text', text: 'streamed' }] }));
          // Split mid-line and mid-CRLF: the reader must reassemble both.
          res.write(`data: ${answer.slice(0, 20)}`);
          res.write(`${answer.slice(20)}\r`);
          return void setTimeout(() => res.end('\n\r\n'), 5);
        }
        case 'failing':
          return json({
            jsonrpc: '2.0',
            id: rpc.id,
            error: { code: -32602, message: 'bad date', data: { field: 'd' } },
          });
        case 'asks':
        case 'asks-approved': {
          // Multi round-trip: asks which calendar, then answers once the retry carries the answer and the state.
          const answer = rpc.params.inputResponses?.q;
          if (answer && rpc.params.requestState === 'state-1') {
            return json(ok({ content: [{ type: 'text', text: `chose ${JSON.stringify(answer.content)}` }] }));
          }
          return json(
            ok({
              resultType: 'input_required',
              inputRequests: {
                q: {
                  method: 'elicitation/create',
                  params: { mode: 'form', message: 'Which?', requestedSchema: { type: 'object', properties: {} } },
                },
              },
              requestState: 'state-1',
            }),
          );
        }
        case 'asks-badly':
          // Neither inputRequests nor requestState: nothing to answer and nothing to retry with.
          return json(ok({ resultType: 'input_required' }));
        case 'malformed':
          return json(ok({ content: 'not a list' }));
        case 'crashing':
          return void res.writeHead(500).end('boom');
        case 'slow': {
          const timer = setTimeout(() => json(ok({ content: [{ type: 'text', text: 'finally' }] })), 5000);
          res.once('close', () => {
            if (res.writableFinished) return;
            clearTimeout(timer);
            cancelled.push(args.tag);
          });
          return;
        }
        default:
          return json(ok({ content: [{ type: 'text', text: 'should never run' }] }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`,
    seen,
    cancelled,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

const POLICY = `@id("alice-up") permit (principal == User::"alice", action, resource in McpServer::"up")
  unless { resource == Tool::"up.secret" || resource == Tool::"up.asks-approved" };
@id("alice-up-approved") @approval("required")
permit (principal == User::"alice", action == Action::"tools/call", resource == Tool::"up.asks-approved");
@id("alice-up-discover") permit (principal == User::"alice", action, resource == McpServer::"up");
`;

function envelope(extra: Record<string, unknown> = {}) {
  return {
    'io.modelcontextprotocol/protocolVersion': VERSION,
    'io.modelcontextprotocol/clientInfo': { name: 'plain-test', version: '1' },
    'io.modelcontextprotocol/clientCapabilities': {},
    ...extra,
  };
}

/** How many MCP policy decisions with `outcome` the mesh's /metrics reports. */
async function decisions(m: McpMesh, outcome: 'allow' | 'deny'): Promise<number> {
  const text = await (m.mesh.context.services.get('metrics') as MeshMetrics).render();
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`parley_decisions_total{outcome="${outcome}",protocol="mcp"}`));
  return Number(line?.split(' ').at(-1) ?? 0);
}

async function call(
  m: McpMesh,
  name: string,
  args: Record<string, unknown> = {},
  meta = envelope(),
  retry: Record<string, unknown> = {},
) {
  const response = await fetch(m.mcpUrl, {
    method: 'POST',
    headers: {
      accept: 'application/json, text/event-stream',
      'content-type': 'application/json',
      'mcp-protocol-version': VERSION,
      'mcp-method': 'tools/call',
      'mcp-name': name,
      authorization: `Bearer ${m.alice.apiKey}`,
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 'c-1',
      method: 'tools/call',
      params: { name, arguments: args, _meta: meta, ...retry },
    }),
  });
  const text = await response.text();
  const body = response.headers.get('content-type')?.startsWith('text/event-stream')
    ? JSON.parse(
        text
          .split('\n')
          .filter((l) => l.startsWith('data:'))
          .at(-1)
          ?.slice(5) ?? 'null',
      )
    : JSON.parse(text);
  return { status: response.status, traceparent: response.headers.get('traceparent'), body };
}

describe('plain 2026-07-28 tools/call (mcp.directToolCalls)', () => {
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  let direct: McpMesh;
  let sdk: McpMesh;
  const lastSeen = () => upstream.seen.at(-1) as Seen;

  beforeAll(async () => {
    upstream = await startUpstream();
    const servers = [
      { name: 'up', url: upstream.url, auth: { type: 'static', header: 'x-api-key', value: 'up-secret' } },
    ];
    [direct, sdk] = await Promise.all([
      startMcpMesh({ servers, policy: POLICY }),
      startMcpMesh({ servers, policy: POLICY, mcp: { directToolCalls: false } }),
    ]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([direct?.close(), sdk?.close()]);
    upstream?.close();
  });

  it.each(['echo', 'streamed', 'failing'])('answers %s exactly as the SDK path does', async (tool) => {
    const viaSdk = await call(sdk, `up.${tool}`, { when: 'today' });
    const sdkMeta = lastSeen().body.params._meta;
    const viaDirect = await call(direct, `up.${tool}`, { when: 'today' });
    const directMeta = lastSeen().body.params._meta;
    expect(viaDirect).toMatchObject({ status: 200, body: viaSdk.body });
    expect(viaSdk.body).toMatchObject({ jsonrpc: '2.0', id: 'c-1' });
    // The two paths really differ: the SDK client asks for every log message; the direct call asks for none.
    expect(sdkMeta).toHaveProperty(['io.modelcontextprotocol/logLevel']);
    expect(directMeta).not.toHaveProperty(['io.modelcontextprotocol/logLevel']);
    expect(directMeta['io.modelcontextprotocol/clientCapabilities']).toEqual({});
  });

  it("sends the upstream its configured credential, never the caller's, and continues the caller's trace", async () => {
    const { traceparent } = await call(direct, 'up.echo');
    const { headers } = lastSeen();
    expect(headers['x-api-key']).toBe('up-secret');
    expect(headers.authorization).toBeUndefined();
    expect(JSON.stringify(headers)).not.toContain(direct.alice.apiKey);
    expect(headers['mcp-name']).toBe('echo');
    expect(String(headers.traceparent).split('-')[1]).toBe(traceparent?.split('-')[1]);
  });

  it('refuses a tool the policy forbids, without calling it, and audits both outcomes', async () => {
    const before = upstream.seen.length;
    const [viaSdk, viaDirect] = [await call(sdk, 'up.secret'), await call(direct, 'up.secret')];
    expect(viaDirect.body).toEqual(viaSdk.body);
    expect(viaDirect.body.error).toMatchObject({ code: -32003, data: { code: 'ERR_MCP_POLICY_DENIED' } });
    expect(upstream.seen.length).toBe(before);

    await call(direct, 'up.echo', { n: 1 });
    const audit = direct.mesh.context.services.get('audit') as AuditLog;
    const entries = await audit.search({ action: 'tools/call', limit: 50 });
    expect(entries.find((e) => e.resource === 'Tool::up.secret')).toMatchObject({
      outcome: 'denied',
      decision: 'deny',
    });
    expect(entries.find((e) => e.resource === 'Tool::up.echo')).toMatchObject({ outcome: 'ok', decision: 'allow' });
  });

  it.each([
    ['direct', () => direct],
    ['SDK', () => sdk],
  ])('counts each call in parley_decisions_total once, on the %s path', async (_path, mesh) => {
    const m = mesh();
    const [allowed, denied] = [await decisions(m, 'allow'), await decisions(m, 'deny')];
    await call(m, 'up.echo');
    await call(m, 'up.secret');
    expect(await decisions(m, 'allow')).toBe(allowed + 1);
    expect(await decisions(m, 'deny')).toBe(denied + 1);
  });

  it('relays an upstream that asks for input, and the retry that answers it, on both paths', async () => {
    const canElicit = envelope({ 'io.modelcontextprotocol/clientCapabilities': { elicitation: { form: {} } } });
    const [viaSdk, viaDirect] = [
      await call(sdk, 'up.asks', {}, canElicit),
      await call(direct, 'up.asks', {}, canElicit),
    ];
    expect(viaDirect.body).toEqual(viaSdk.body);
    expect(viaDirect.body.result).toMatchObject({
      resultType: 'input_required',
      inputRequests: { q: { method: 'elicitation/create' } },
      requestState: 'state-1',
    });
    // The direct path told the upstream what the caller can answer.
    expect(lastSeen().body.params._meta['io.modelcontextprotocol/clientCapabilities']).toEqual({
      elicitation: { form: {} },
    });
    const retry = {
      inputResponses: { q: { action: 'accept', content: { calendar: 'work' } } },
      requestState: 'state-1',
    };
    for (const m of [sdk, direct]) {
      const { body } = await call(m, 'up.asks', {}, canElicit, retry);
      expect(body.result.content[0].text).toBe('chose {"calendar":"work"}');
      // The upstream got the caller's answer and its own state back, unchanged.
      expect(lastSeen().body.params).toMatchObject(retry);
    }
    // A tampered state is the upstream's to refuse: it asks again.
    const tampered = await call(direct, 'up.asks', {}, canElicit, { ...retry, requestState: 'state-2' });
    expect(tampered.body.result.resultType).toBe('input_required');
  });

  it.each([
    ['direct', () => direct],
    ['SDK', () => sdk],
  ])('lets one approval cover a call that asks for input and its retry, on the %s path', async (_path, mesh) => {
    const m = mesh();
    const canElicit = envelope({ 'io.modelcontextprotocol/clientCapabilities': { elicitation: { form: {} } } });
    const args = { when: `${_path}-${Date.now()}` };
    const approvals = (m.mesh.context.services.get('policy') as PolicyService).approvals;
    const before = upstream.seen.length;
    // The first call waits for a human; approve it while it waits.
    const first = call(m, 'up.asks-approved', args, canElicit);
    const requested = async () => {
      for (let i = 0; i < 100; i++) {
        const found = (await approvals.list({ state: 'pending' })).find((a) => a.arguments.when === args.when);
        if (found) return found;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error('no approval was requested');
    };
    const pending = await requested();
    await approvals.decide(pending.id, 'approved', 'User::"root"');
    expect((await first).body.result.resultType).toBe('input_required');
    // The retry that answers is the same call: no second approval.
    const retry = {
      inputResponses: { q: { action: 'accept', content: { calendar: 'work' } } },
      requestState: 'state-1',
    };
    const answered = await call(m, 'up.asks-approved', args, canElicit, retry);
    expect(answered.body.result.content[0].text).toBe('chose {"calendar":"work"}');
    expect(upstream.seen.length).toBe(before + 2);
    // The call completed, so the approval is used up: the same call again needs a new one.
    expect((await approvals.list({ state: 'pending' })).some((a) => a.arguments.when === args.when)).toBe(false);
    const again = call(m, 'up.asks-approved', args, canElicit);
    const next = await requested();
    expect(next.id).not.toBe(pending.id);
    await approvals.decide(next.id, 'denied', 'User::"root"');
    expect((await again).body.error).toMatchObject({ data: { code: 'ERR_MCP_APPROVAL_DENIED' } });
  });

  it('never asks a caller for input it did not declare it can give (-32021, HTTP 400), on both paths', async () => {
    const [viaSdk, viaDirect] = [await call(sdk, 'up.asks'), await call(direct, 'up.asks')];
    expect(viaDirect.body).toEqual(viaSdk.body);
    expect(viaDirect.status).toBe(400);
    expect(viaSdk.status).toBe(400);
    expect(viaDirect.body.error).toMatchObject({
      code: -32021,
      data: { requiredCapabilities: { elicitation: { form: {} } } },
    });
    // URL mode is its own sub-capability: declaring form does not cover it.
    const urlOnly = envelope({ 'io.modelcontextprotocol/clientCapabilities': { elicitation: { url: {} } } });
    expect((await call(direct, 'up.asks', {}, urlOnly)).body.error).toMatchObject({ code: -32021 });
  });

  it('explains an upstream that sends a malformed input request or result, or fails', async () => {
    const badly = await call(direct, 'up.asks-badly');
    expect(badly.body.error).toMatchObject({ data: { code: 'ERR_MCP_UPSTREAM_ANSWER' } });
    expect((await call(sdk, 'up.asks-badly')).body).toEqual(badly.body);
    const malformed = await call(direct, 'up.malformed');
    expect(malformed.body.error).toMatchObject({ data: { code: 'ERR_MCP_UPSTREAM_ANSWER' } });
    // The SDK path says the same: a malformed result is a bad answer, not an outage.
    expect((await call(sdk, 'up.malformed')).body).toEqual(malformed.body);
    const crashed = await call(direct, 'up.crashing');
    expect(crashed.body.error).toMatchObject({ code: -32010, data: { code: 'ERR_MCP_UPSTREAM_UNAVAILABLE' } });
    expect(crashed.body).toEqual((await call(sdk, 'up.crashing')).body);
  });

  it.each([
    ['direct', () => direct],
    ['SDK', () => sdk],
  ])('cancels the upstream call when the caller leaves before its answer, on the %s path', async (path, mesh) => {
    // Its own connection (not fetch's shared pool), closed when the caller leaves.
    const body = JSON.stringify({
      jsonrpc: '2.0',
      id: 'c-1',
      method: 'tools/call',
      params: { name: 'up.slow', arguments: { tag: path }, _meta: envelope() },
    });
    const leaving = request(mesh().mcpUrl, {
      method: 'POST',
      agent: false,
      headers: {
        accept: 'application/json, text/event-stream',
        'content-type': 'application/json',
        'mcp-protocol-version': VERSION,
        'mcp-method': 'tools/call',
        'mcp-name': 'up.slow',
        authorization: `Bearer ${mesh().alice.apiKey}`,
      },
    });
    leaving.on('error', () => {});
    leaving.end(body);
    const arrived = () =>
      upstream.seen.some((s) => s.body.params.name === 'slow' && s.body.params.arguments?.tag === path);
    for (let i = 0; i < 50 && !arrived(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    leaving.destroy();
    for (let i = 0; i < 100 && !upstream.cancelled.includes(path); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // Well before the 5 s the upstream would have taken to answer.
    expect(upstream.cancelled).toContain(path);
  });

  it('leaves requests that want more than a result to the SDK', async () => {
    const { body } = await call(direct, 'up.echo', {}, envelope({ progressToken: 'p-1' }));
    expect(body.result.content[0].text).toBe('echo {}');
    // Served by the SDK's server and client: the upstream saw the SDK client's envelope.
    expect(lastSeen().body.params._meta).toHaveProperty(['io.modelcontextprotocol/logLevel']);
    const invalid = await call(direct, 'up.echo', {}, envelope({ 'io.modelcontextprotocol/clientInfo': 'nobody' }));
    expect(invalid.status).toBe(400);
  });
});
