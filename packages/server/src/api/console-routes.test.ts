import { rmSync } from 'node:fs';
import type { AuditLog, SpanStore, StoredSpan } from '@parley/audit';
import { validateConfig } from '@parley/config';
import { type Caller, silentLogger } from '@parley/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../../test/support/parley-process.ts';
import { auditPart } from '../mesh/parts/audit.ts';
import { type Mesh, startMesh } from '../mesh/start-mesh.ts';
import { consoleRoutes } from './console-routes.ts';

const callerNamed = (name: string, roles: string[] = []): Caller => ({
  principal: { type: 'User', id: name },
  onBehalfOf: { type: 'User', id: name },
  actorChain: [],
  roles,
  clientId: 'parley-console',
  scopes: [],
  credential: 'access-token',
  credentialId: name,
  bearer: name,
  expiresAt: undefined,
});

const traceIdOf = (n: number) => n.toString(16).padStart(32, '0');

/** One decided hop (what the console lists as activity) by `principal`, at `second`. */
function hop(n: number, principal: string, second: number): StoredSpan {
  return {
    traceId: traceIdOf(n),
    spanId: n.toString(16).padStart(16, '0'),
    parentSpanId: null,
    name: 'parley.decide',
    kind: 'internal',
    service: 'parley',
    startUs: second * 1_000_000,
    endUs: second * 1_000_000 + 500,
    status: { code: 'unset' },
    attributes: { 'parley.action': 'tools/call', 'parley.principal': `User::${principal}` },
    events: [],
  };
}

describe('GET /api/console/traces', () => {
  let mesh: Mesh;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = tempDir('parley-console-traces-');
    mesh = await startMesh({
      config: validateConfig({ dataDir, server: { port: 0 }, log: { level: 'silent' } }),
      mode: 'start',
      logger: silentLogger(),
      parts: [
        {
          name: 'bearer-is-the-user',
          async start({ services }) {
            services.set('authenticate', async (request: { headers: Record<string, string | undefined> }) => {
              const name = request.headers.authorization?.replace(/^Bearer /, '') ?? '';
              return callerNamed(name, name === 'root' ? ['admin'] : []);
            });
            return undefined;
          },
        },
        auditPart,
        {
          name: 'console-routes',
          async start(context) {
            void context.app.register(consoleRoutes, {
              spans: context.services.get('spans') as SpanStore,
              store: context.store,
              services: context.services,
              bus: context.bus,
              clock: context.clock,
              resourceUrl: `${context.baseUrl}/api`,
            });
            return undefined;
          },
        },
      ],
    });
    const spans = mesh.context.services.get('spans') as SpanStore;
    const audit = mesh.context.services.get('audit') as AuditLog;
    // alice's one trace, then 600 newer ones of bob's: more than a listing scans.
    await spans.write([hop(1, 'alice', 1_000)]);
    await audit.record({
      kind: 'hop',
      principal: 'User::alice',
      action: 'tools/call',
      outcome: 'ok',
      traceId: traceIdOf(1),
    });
    await spans.write(Array.from({ length: 600 }, (_, i) => hop(i + 2, 'bob', 2_000 + i)));
    for (let i = 0; i < 600; i++) {
      await audit.record({
        kind: 'hop',
        principal: 'User::bob',
        action: 'tools/call',
        outcome: 'ok',
        traceId: traceIdOf(i + 2),
      });
    }
  }, 60_000);
  afterAll(async () => {
    await mesh?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const list = async (who: string, limit = 50) => {
    const response = await fetch(`${mesh.url}/api/console/traces?limit=${limit}`, {
      headers: { authorization: `Bearer ${who}` },
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { traces: Array<{ traceId: string }> }).traces.map((t) => t.traceId);
  };

  it('finds a user’s own trace however many newer traces of others came since', async () => {
    expect(await list('alice')).toEqual([traceIdOf(1)]);
  });
  it('shows a user only their own traces, newest first', async () => {
    const bobs = await list('bob', 5);
    expect(bobs).toEqual([601, 600, 599, 598, 597].map(traceIdOf));
    expect(await list('carol')).toEqual([]);
  });
  it('shows an administrator the newest traces of everyone', async () => {
    expect(await list('root', 3)).toEqual([601, 600, 599].map(traceIdOf));
  });
});
