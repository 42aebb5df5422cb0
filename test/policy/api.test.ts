import { configSchema } from '@parley/config';
import { AuthenticationError, type Caller, type GuardedAction, silentLogger } from '@parley/core';
import type { PolicyService } from '@parley/policy';
import type { Mesh, MeshPart } from '@parley/server';
import { startMesh } from '@parley/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { policyPart } from '../../packages/server/src/mesh/parts/policy.ts';
import { tempDir } from '../support/parley-process.ts';

const caller = (id: string, type = 'User', extra: Partial<Caller> = {}): Caller => ({
  principal: { type, id },
  onBehalfOf: undefined,
  actorChain: [],
  roles: id === 'root' ? ['admin'] : [],
  clientId: undefined,
  scopes: [],
  credential: 'api-key',
  credentialId: id,
  bearer: id,
  expiresAt: undefined,
  ...extra,
});

/** Stands in for the identity part: the bearer value names the user. */
const fakeIdentity: MeshPart = {
  name: 'identity',
  async start({ services }) {
    services.set('authenticate', async (request: { headers: Record<string, string | string[] | undefined> }) => {
      const header = request.headers.authorization;
      const token = typeof header === 'string' ? header.replace(/^Bearer /, '') : '';
      if (!token)
        throw new AuthenticationError('ERR_AUTH_MISSING', 'no credential', { challenge: 'Bearer realm="parley"' });
      return caller(token);
    });
    return undefined;
  },
};

let mesh: Mesh;
const as = (who: string, method: string, path: string, body?: unknown) =>
  fetch(`${mesh.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${who}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

beforeAll(async () => {
  const config = configSchema.parse({ dataDir: tempDir(), server: { port: 0 }, log: { level: 'silent' } });
  mesh = await startMesh({ config, mode: 'dev', logger: silentLogger(), parts: [fakeIdentity, policyPart] });
});
afterAll(async () => {
  await mesh?.close();
});

/** A pending approval for facilities booking a room for alice, asked for with `credentialId`. */
async function pendingBooking(credentialId = 'facilities'): Promise<string> {
  const policy = mesh.context.services.get('policy') as PolicyService;
  const agent = caller('facilities', 'Agent', {
    onBehalfOf: { type: 'User', id: 'alice' },
    actorChain: ['facilities'],
    credentialId,
  });
  const action: GuardedAction = {
    protocol: 'mcp',
    action: 'tools/call',
    resource: { type: 'Tool', id: 'rooms.book_room' },
    parents: [{ type: 'McpServer', id: 'rooms' }],
    arguments: { room: 'Atlas', at: Math.random() },
    audience: `${mesh.url}/mcp`,
  };
  const decision = await policy.decide(agent, action);
  if (decision.effect !== 'approval-required') throw new Error(`expected approval, got ${decision.effect}`);
  return decision.approval.id;
}

describe('approvals API', () => {
  it('answers 401 with a challenge without a credential', async () => {
    const response = await fetch(`${mesh.url}/api/approvals`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="parley"');
  });

  it('shows an approval to the user it is for and to admins, not to others', async () => {
    const id = await pendingBooking();
    const mine = (await (await as('alice', 'GET', '/api/approvals?state=pending')).json()) as {
      approvals: { id: string }[];
    };
    expect(mine.approvals.map((a) => a.id)).toContain(id);
    const admin = (await (await as('root', 'GET', '/api/approvals')).json()) as { approvals: { id: string }[] };
    expect(admin.approvals.map((a) => a.id)).toContain(id);
    const bobs = (await (await as('bob', 'GET', '/api/approvals')).json()) as { approvals: { id: string }[] };
    expect(bobs.approvals.map((a) => a.id)).not.toContain(id);
    expect((await as('bob', 'GET', `/api/approvals/${id}`)).status).toBe(404);
    const one = (await (await as('alice', 'GET', `/api/approvals/${id}`)).json()) as Record<string, unknown>;
    expect(one).toMatchObject({ id, state: 'pending', action: 'tools/call', arguments: { room: 'Atlas' } });
  });

  it('refuses approval by the wrong user and accepts it from the right one, once', async () => {
    const id = await pendingBooking();
    const wrong = await as('bob', 'POST', `/api/approvals/${id}/approve`);
    expect(wrong.status).toBe(404);
    const agent = await as('facilities', 'POST', `/api/approvals/${id}/approve`);
    expect(agent.status).toBe(404);
    const right = await as('alice', 'POST', `/api/approvals/${id}/approve`);
    expect(right.status).toBe(200);
    expect(await right.json()).toMatchObject({ id, state: 'approved', decidedBy: 'User::"alice"' });
    const twice = await as('alice', 'POST', `/api/approvals/${id}/deny`);
    expect(twice.status).toBe(409);
  });

  it('refuses a decision made with the credential that asked for the approval', async () => {
    // The agent holds alice's API key (credential id "alice", as `as('alice')` presents it).
    const id = await pendingBooking('alice');
    const own = await as('alice', 'POST', `/api/approvals/${id}/approve`);
    expect(own.status).toBe(403);
    expect(((await own.json()) as { error: { message: string } }).error.message).toContain(
      'with the credential that asked for it',
    );
    expect(await (await as('alice', 'GET', `/api/approvals/${id}`)).json()).toMatchObject({ state: 'pending' });
    const admin = await as('root', 'POST', `/api/approvals/${id}/approve`);
    expect(await admin.json()).toMatchObject({ state: 'approved', decidedBy: 'User::"root"' });
  });

  it('lets an admin deny', async () => {
    const id = await pendingBooking();
    const response = await as('root', 'POST', `/api/approvals/${id}/deny`);
    expect(await response.json()).toMatchObject({ state: 'denied', decidedBy: 'User::"root"' });
  });
});

describe('policies API', () => {
  it('is for administrators', async () => {
    expect((await as('alice', 'GET', '/api/policies')).status).toBe(403);
    expect(
      (await as('alice', 'PUT', '/api/policies/x', { text: 'permit (principal, action, resource);' })).status,
    ).toBe(403);
    const list = (await (await as('root', 'GET', '/api/policies')).json()) as { policies: { id: string }[] };
    expect(list.policies.map((p) => p.id)).toContain('demo-comms-send-email');
  });

  it('stores a valid document, which takes effect at once, and refuses an invalid one with file:line', async () => {
    const ask = { principal: 'User::"carol"', action: 'SendMessage', resource: 'A2AAgent::"concierge"' };
    const before = (await (await as('root', 'POST', '/api/policy/explain', ask)).json()) as { decision: string };
    expect(before.decision).toBe('deny');

    const text =
      '@id("carol-concierge")\npermit (principal == User::"carol", action in Action::"a2a:call", resource in A2AAgent::"concierge");\n';
    const put = await as('root', 'PUT', '/api/policies/carol', { text });
    expect(put.status).toBe(201);
    const after = (await (await as('root', 'POST', '/api/policy/explain', ask)).json()) as Record<string, unknown>;
    expect(after).toMatchObject({
      decision: 'allow',
      determining: [{ id: 'carol-concierge', source: 'store:carol', line: 1 }],
    });

    const bad = await as('root', 'PUT', '/api/policies/carol', {
      text: `${text}\npermit (principal, action, resource) when { context.nope };`,
    });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: { code: string; problems: { source: string; line: number }[] } };
    expect(body.error.code).toBe('ERR_POLICY_INVALID');
    expect(body.error.problems[0]).toMatchObject({ source: 'store:carol', line: 4 });
    // Still in force.
    expect(
      ((await (await as('root', 'POST', '/api/policy/explain', ask)).json()) as { decision: string }).decision,
    ).toBe('allow');

    const validate = await as('root', 'POST', '/api/policies/validate', {
      text: 'permit (principal, action, resource) when { 1 + };',
    });
    expect(await validate.json()).toMatchObject({ ok: false, problems: [{ line: 1 }] });

    expect((await as('root', 'DELETE', '/api/policies/carol')).status).toBe(204);
    expect(
      ((await (await as('root', 'POST', '/api/policy/explain', ask)).json()) as { decision: string }).decision,
    ).toBe('deny');
    expect((await as('root', 'DELETE', '/api/policies/carol')).status).toBe(404);
  });

  it('explains an approval-required decision', async () => {
    const response = await as('root', 'POST', '/api/policy/explain', {
      principal: 'Agent::"comms"',
      action: 'Action::"tools/call"',
      resource: 'Tool::"mail.send_email"',
      context: { onBehalfOf: 'User::"alice"' },
    });
    expect(await response.json()).toMatchObject({
      decision: 'approval-required',
      approvalRequired: true,
      allowed: false,
    });
  });
});
