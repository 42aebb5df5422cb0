import { createServer, type Server } from 'node:http';
import type { AuditEntry, AuditLog, MeshMetrics, StoredSpan, Tracing } from '@parley/audit';
import { injectTraceHeaders, withSpan } from '@parley/audit';
import { validateConfig } from '@parley/config';
import { AuthenticationError, type Caller, silentLogger } from '@parley/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeshPart } from '../../packages/server/src/mesh/part.ts';
import { auditPart } from '../../packages/server/src/mesh/parts/audit.ts';
import { type Mesh, startMesh } from '../../packages/server/src/mesh/start-mesh.ts';
import { tempDir } from '../support/parley-process.ts';

function caller(id: string, roles: string[]): Caller {
  return {
    principal: { type: 'User', id },
    onBehalfOf: { type: 'User', id },
    actorChain: [],
    roles,
    clientId: 'cli',
    scopes: [],
    credential: 'api-key',
    credentialId: `key-${id}`,
    bearer: `${id}-key`,
    expiresAt: undefined,
  };
}

/** Stands in for the identity part: two API keys, one admin. */
const fakeIdentity: MeshPart = {
  name: 'identity',
  async start({ services }) {
    services.set('authenticate', async (request: { headers: Record<string, unknown> }) => {
      const header = String(request.headers.authorization ?? '');
      if (header === 'Bearer admin-key') return caller('root', ['admin']);
      if (header === 'Bearer user-key') return caller('alice', []);
      throw new AuthenticationError('ERR_AUTH_MISSING', 'authentication required', {
        challenge: 'Bearer resource_metadata="http://127.0.0.1/.well-known/oauth-protected-resource"',
      });
    });
    return undefined;
  },
};

let downstreamHeaders: Record<string, string | string[] | undefined> = {};
let downstream: Server;
let downstreamUrl = '';

/** A route that does what a front door does: a child span, then a call to the next hop. */
const hopPart: MeshPart = {
  name: 'hop',
  async start({ app }) {
    app.post('/hop', async () =>
      withSpan('parley.forward', { 'parley.tool': 'calendar.find' }, async () => {
        await fetch(downstreamUrl, { headers: injectTraceHeaders({}) });
        return { ok: true };
      }),
    );
    return undefined;
  },
};

let mesh: Mesh;
const admin = { authorization: 'Bearer admin-key' };

beforeAll(async () => {
  downstream = createServer((request, response) => {
    downstreamHeaders = request.headers;
    response.end('ok');
  });
  await new Promise<void>((resolve) => downstream.listen(0, '127.0.0.1', resolve));
  const address = downstream.address();
  downstreamUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
  const config = validateConfig({ dataDir: tempDir(), server: { port: 0 }, log: { level: 'silent' } });
  mesh = await startMesh({ config, mode: 'start', logger: silentLogger(), parts: [fakeIdentity, auditPart, hopPart] });
});

afterAll(async () => {
  await mesh?.close();
  await new Promise((resolve) => downstream?.close(resolve));
});

const get = (path: string, headers: Record<string, string> = admin) => fetch(`${mesh.url}${path}`, { headers });

describe('audit HTTP API', () => {
  it('publishes audit, spans, tracing and metrics services', () => {
    for (const name of ['audit', 'spans', 'tracing', 'metrics']) expect(mesh.context.services.has(name)).toBe(true);
  });

  it('refuses callers without a credential (401 + challenge) and non-admins (403)', async () => {
    const anonymous = await get('/api/audit/tail', {});
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer resource_metadata=/);
    const user = await get('/api/audit/tail', { authorization: 'Bearer user-key' });
    expect(user.status).toBe(403);
    expect(((await user.json()) as { error: { code: string } }).error.code).toBe('ERR_AUDIT_ADMIN_REQUIRED');
    expect((await get('/api/traces', {})).status).toBe(401);
  });

  it('serves tail, search, head and verify to an admin', async () => {
    const audit = mesh.context.services.get('audit') as AuditLog;
    await audit.record({
      kind: 'hop',
      principal: 'User::alice',
      action: 'tools/call',
      decision: 'allow',
      outcome: 'ok',
    });
    await audit.record({ kind: 'key-rotated', action: 'rotate', outcome: 'ok', detail: { kid: 'k2' } });
    const tail = (await (await get('/api/audit/tail?n=1')).json()) as { entries: AuditEntry[] };
    expect(tail.entries.map((e) => e.kind)).toEqual(['key-rotated']);
    const search = (await (await get('/api/audit/entries?principal=alice&decision=allow')).json()) as {
      entries: AuditEntry[];
    };
    expect(search.entries).toHaveLength(1);
    expect((await get('/api/audit/entries?decision=maybe')).status).toBe(400);
    expect(await (await get('/api/audit/head')).json()).toEqual({ entries: 2 });
    expect(await (await get('/api/audit/verify')).json()).toMatchObject({ ok: true, entries: 2 });
  });

  it('continues an incoming traceparent and carries it to the next hop', async () => {
    const traceId = '4bf92f3577b34e0736a0e8c3b1e7c0de';
    const incoming = `00-${traceId}-00f067aa0ba902b7-01`;
    const response = await fetch(`${mesh.url}/hop`, { method: 'POST', headers: { traceparent: incoming } });
    expect(response.status).toBe(200);
    expect(String(downstreamHeaders.traceparent)).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));

    await (mesh.context.services.get('tracing') as Tracing).flush();
    const body = (await (await get(`/api/traces/${traceId}`)).json()) as { spans: StoredSpan[] };
    const server = body.spans.find((s) => s.kind === 'server');
    const forward = body.spans.find((s) => s.name === 'parley.forward');
    expect(server).toMatchObject({ name: 'POST /hop', parentSpanId: '00f067aa0ba902b7' });
    expect(forward?.parentSpanId).toBe(server?.spanId);
    expect(String(downstreamHeaders.traceparent)).toContain(forward?.spanId);
    expect((await get('/api/traces/0123456789abcdef0123456789abcdef')).status).toBe(404);
    expect((await get('/api/traces/not-a-trace')).status).toBe(400);
  });

  it('serves /metrics in Prometheus text with requests, decisions and upstream latency', async () => {
    const metrics = mesh.context.services.get('metrics') as MeshMetrics;
    metrics.recordDecision('deny', 'mcp');
    metrics.observeUpstream('calendar', 37);
    await fetch(`${mesh.url}/healthz`);
    const response = await fetch(`${mesh.url}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    const sample =
      /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? -?[0-9.e+-]+|[+-]Inf|NaN$/;
    for (const line of text.split('\n').filter((l) => l !== '')) {
      if (line.startsWith('#')) expect(line).toMatch(/^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$/);
      else expect(line).toMatch(sample);
    }
    expect(text).toMatch(/parley_http_requests_total\{method="GET",route="\/healthz",status="200"\} [1-9]/);
    expect(text).toContain('parley_decisions_total{outcome="deny",protocol="mcp"} 1');
    expect(text).toContain('parley_upstream_latency_ms_bucket{upstream="calendar",outcome="ok",le="50"} 1');
    expect(text).toMatch(/parley_audit_entries_total\{kind="hop"\} [1-9]/);
  });
});
