import { readSse, type StreamResponse, type Task } from '@parley/a2a';
import { testStoreBackends } from '@parley/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCaller } from './support/fake-pipeline.ts';
import { artifactText, eventually, type RpcBody, rpc, sendForTask, startA2A, statusText } from './support/harness.ts';
import { type SdkAgent, startSdkAgent } from './support/sdk-agent.ts';

const [sqlite] = testStoreBackends();
if (!sqlite) throw new Error('no SQLite test backend');

const send = (text: string, extra: Record<string, unknown> = {}) => ({
  jsonrpc: '2.0',
  id: 1,
  method: 'SendMessage',
  params: { message: { messageId: crypto.randomUUID(), role: 'ROLE_USER', parts: [{ text }] }, ...extra },
});
const call = (method: string, params: Record<string, unknown>) => ({ jsonrpc: '2.0', id: 2, method, params });

/** Posts a streaming JSON-RPC request and collects every event's `result` (or `error`). */
async function stream(url: string, token: string, body: unknown): Promise<RpcBody<StreamResponse>[]> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  if (!response.headers.get('content-type')?.startsWith('text/event-stream') || !response.body) {
    return [(await response.json()) as RpcBody<StreamResponse>];
  }
  const events: RpcBody<StreamResponse>[] = [];
  for await (const event of readSse(response.body)) events.push(JSON.parse(event.data) as RpcBody<StreamResponse>);
  return events;
}

describe('an agent on the official @a2a-js/sdk server, behind the registry and the proxy', () => {
  let open: Awaited<ReturnType<typeof sqlite.open>>;
  let mesh: Awaited<ReturnType<typeof startA2A>>;
  let remote: SdkAgent;
  let url: string;
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    open = await sqlite.open();
    mesh = await startA2A(open.store);
    remote = await startSdkAgent();
    const registered = await mesh.service.registry.register({ url: remote.origin, name: 'sdk-echo' });
    expect(registered).toMatchObject({ status: 'active', keySource: 'tofu', skills: ['echo', 'count'] });
    url = mesh.agentUrl('sdk-echo');
    alice = mesh.pipeline.issue(testCaller('planner', { user: 'alice' }), url);
    bob = mesh.pipeline.issue(testCaller('planner', { user: 'bob' }), url);
  });
  afterAll(async () => {
    await mesh.close();
    await remote.close();
    await open.dispose();
  });

  it('forwards SendMessage with a token from credentialFor, never the caller’s', async () => {
    const before = remote.authorizations.length;
    const task = await sendForTask(url, alice, send('hello remote'));
    expect(task.status.state).toBe('TASK_STATE_COMPLETED');
    expect(statusText(task)).toBe('remote echoed: hello remote');
    expect(artifactText(task)).toBe('hello remote');
    const seen = remote.authorizations.slice(before);
    expect(seen.length).toBeGreaterThan(0);
    const exchanged = new Set(
      mesh.pipeline.exchanges.filter((e) => e.audience === remote.rpcUrl).map((e) => `Bearer ${e.token}`),
    );
    for (const header of seen) {
      expect(header).not.toBe(`Bearer ${alice}`);
      expect(exchanged.has(header)).toBe(true);
    }
    expect(mesh.pipeline.exchanges.at(-1)?.caller.onBehalfOf?.id).toBe('alice');
  });

  it('streams the remote task’s events in order, ending completed', async () => {
    const events = await stream(url, alice, { ...send('stream it'), method: 'SendStreamingMessage' });
    const results = events.map((event) => event.result);
    const kinds = results.map((result) => Object.keys(result ?? { error: 1 })[0]);
    expect(kinds[0]).toBe('task');
    expect(kinds).toContain('artifactUpdate');
    const last = results.at(-1);
    expect(last && 'statusUpdate' in last ? last.statusUpdate.status.state : undefined).toBe('TASK_STATE_COMPLETED');
    const first = results[0];
    const remoteTaskId = first && 'task' in first ? first.task.id : '';
    const got = await rpc<Task>(url, alice, call('GetTask', { id: remoteTaskId }));
    expect(got.body?.result?.status.state).toBe('TASK_STATE_COMPLETED');
  });

  it('gets, lists and cancels the caller’s remote tasks; another caller sees none of them', async () => {
    const { id } = await sendForTask(url, alice, send('wait', { configuration: { returnImmediately: true } }));
    expect((await rpc<Task>(url, alice, call('GetTask', { id }))).body?.result?.id).toBe(id);
    const listed = await rpc<{ tasks: Task[] }>(url, alice, call('ListTasks', {}));
    expect(listed.body?.result?.tasks.map((task) => task.id)).toContain(id);

    // The remote sees one gateway user, so it would list alice's task to anyone: the proxy must not.
    for (const body of [call('GetTask', { id }), call('CancelTask', { id }), call('SubscribeToTask', { id })]) {
      expect((await rpc(url, bob, body)).body?.error?.code).toBe(-32001);
    }
    const bobs = await rpc<{ tasks: Task[]; totalSize: number }>(url, bob, call('ListTasks', {}));
    expect(bobs.body?.result).toMatchObject({ tasks: [], totalSize: 0 });

    const canceled = await rpc<Task>(url, alice, call('CancelTask', { id }));
    expect(canceled.body?.result?.status.state).toBe('TASK_STATE_CANCELED');
  });

  it('registers through the admin API (admins only) and refuses a card whose signature does not verify', async () => {
    const admin = mesh.pipeline.issue(testCaller('root', { roles: ['admin'], type: 'User' }), `${mesh.baseUrl}/api`);
    const nonAdmin = mesh.pipeline.issue(testCaller('planner'), `${mesh.baseUrl}/api`);
    const post = (token: string, body: unknown) =>
      fetch(`${mesh.baseUrl}/api/a2a/agents`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post(nonAdmin, { url: remote.origin, name: 'sdk-two' })).status).toBe(403);
    const ok = await post(admin, { url: remote.origin, name: 'sdk-two', jwks: { keys: [remote.key.publicJwk] } });
    expect(ok.status).toBe(201);
    expect(await ok.json()).toMatchObject({ name: 'sdk-two', keySource: 'jwks', proxyUrl: mesh.agentUrl('sdk-two') });

    const stranger = await (await import('./support/sdk-agent.ts')).cardKey();
    const refused = await post(admin, { url: remote.origin, name: 'sdk-bad', jwks: { keys: [stranger.publicJwk] } });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(await refused.json())).toMatch(/signature/);
    await expect(
      mesh.service.registry.register({
        url: remote.origin,
        name: 'sdk-bad',
        jwks: [{ ...stranger.publicJwk, kid: remote.key.kid }],
      }),
    ).rejects.toThrow(/does not verify|no signature/);
    expect(await mesh.service.registry.find('sdk-bad')).toBeUndefined();
  });

  it('holds an agent whose card or key changed (503 through the proxy) until it is accepted', async () => {
    await mesh.service.registry.register({ url: remote.origin, name: 'sdk-held' });
    const heldUrl = mesh.agentUrl('sdk-held');
    const token = mesh.pipeline.issue(testCaller('planner', { user: 'alice' }), heldUrl);
    expect((await mesh.service.registry.refresh('sdk-held')).status).toBe('active');

    remote.setDescription('A changed echo agent');
    const changed = await mesh.service.registry.refresh('sdk-held');
    expect(changed).toMatchObject({ status: 'held', heldReason: 'its card changed' });
    const blocked = await rpc(heldUrl, token, send('hi'));
    expect(blocked.status).toBe(503);
    const listing = await fetch(`${mesh.baseUrl}/a2a`, {
      headers: { authorization: `Bearer ${mesh.pipeline.issue(testCaller('planner'), `${mesh.baseUrl}/a2a`)}` },
    });
    const names = ((await listing.json()) as { agents: Array<{ name: string }> }).agents.map((a) => a.name);
    expect(names).not.toContain('sdk-held');
    expect(names).toContain('echo');
    const accepted = await mesh.service.registry.accept('sdk-held');
    expect(accepted.status).toBe('active');
    expect(accepted.card.description).toBe('A changed echo agent');
    expect((await sendForTask(heldUrl, token, send('hi'))).status.state).toBe('TASK_STATE_COMPLETED');

    await remote.rotateKey();
    const rotated = await mesh.service.registry.refresh('sdk-held');
    expect(rotated).toMatchObject({ status: 'held', heldReason: 'its card is signed with a new key' });
    expect((await rpc(heldUrl, token, send('hi'))).status).toBe(503);
    await mesh.service.registry.accept('sdk-held');
    expect((await mesh.service.registry.refresh('sdk-held')).status).toBe('active');
    expect((await sendForTask(heldUrl, token, send('hi'))).status.state).toBe('TASK_STATE_COMPLETED');
  });

  it('refuses to re-register a taken name (409); with replace the new card and key wait for acceptance', async () => {
    const admin = mesh.pipeline.issue(testCaller('root', { roles: ['admin'], type: 'User' }), `${mesh.baseUrl}/api`);
    const post = (body: unknown) =>
      fetch(`${mesh.baseUrl}/api/a2a/agents`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post({ url: remote.origin, name: 'sdk-pinned' })).status).toBe(201);
    const pinned = await mesh.service.registry.get('sdk-pinned');
    const impostor = await startSdkAgent({ name: 'Impostor' });
    try {
      const refused = await post({ url: impostor.origin, name: 'sdk-pinned' });
      expect(refused.status).toBe(409);
      expect(JSON.stringify(await refused.json())).toMatch(/already registered/);
      expect(await mesh.service.registry.get('sdk-pinned')).toEqual(pinned);

      const replaced = await post({ url: impostor.origin, name: 'sdk-pinned', replace: true });
      expect(replaced.status).toBe(200);
      expect(await replaced.json()).toMatchObject({ status: 'held', url: remote.origin, card: pinned.card });
      const pinnedUrl = mesh.agentUrl('sdk-pinned');
      const token = mesh.pipeline.issue(testCaller('planner', { user: 'alice' }), pinnedUrl);
      expect((await rpc(pinnedUrl, token, send('hi'))).status).toBe(503);

      const accepted = await mesh.service.registry.accept('sdk-pinned');
      expect(accepted).toMatchObject({ status: 'active', url: impostor.origin });
      expect(accepted.card.name).toBe('Impostor');
      expect((await mesh.service.registry.refresh('sdk-pinned')).status).toBe('active');
    } finally {
      await impostor.close();
    }
  });

  it('holds a remote task for approval, then mirrors the remote task into it once approved', async () => {
    mesh.pipeline.decideWith = () => mesh.pipeline.createApproval('ap-remote');
    let held: Task;
    try {
      held = await sendForTask(url, alice, send('approved echo'));
    } finally {
      mesh.pipeline.decideWith = () => ({ effect: 'allow', policies: [] });
    }
    expect(held.status.state).toBe('TASK_STATE_AUTH_REQUIRED');
    const sentBefore = remote.authorizations.length;
    expect((await rpc(url, bob, call('GetTask', { id: held.id }))).body?.error?.code).toBe(-32001);
    mesh.pipeline.settle('ap-remote', 'approved');
    await eventually(async () => {
      const got = await rpc<Task>(url, alice, call('GetTask', { id: held.id }));
      return got.body?.result?.status.state === 'TASK_STATE_COMPLETED';
    });
    const mirrored = (await rpc<Task>(url, alice, call('GetTask', { id: held.id }))).body?.result;
    expect(statusText(mirrored)).toBe('remote echoed: approved echo');
    expect(artifactText(mirrored)).toBe('approved echo');
    expect(remote.authorizations.length).toBeGreaterThan(sentBefore);
    expect(remote.authorizations.slice(sentBefore)).not.toContain(`Bearer ${alice}`);
  });

  it('refuses a caller whose delegation chain would grow past identity.maxDelegationDepth', async () => {
    const deep = (actors: number, audience: string) =>
      mesh.pipeline.issue(
        { ...testCaller('planner', { user: 'alice' }), actorChain: Array.from({ length: actors }, (_, i) => `a${i}`) },
        audience,
      );
    // Forwarding adds Parley as a fourth actor: within the default limit of 4.
    expect((await sendForTask(url, deep(3, url), send('three deep'))).status.state).toBe('TASK_STATE_COMPLETED');
    const refused = await rpc(url, deep(4, url), send('four deep'));
    expect(refused.status).toBe(403);
    expect(refused.body?.error?.code).toBe(-32043);
    expect(refused.body?.error?.message).toMatch(/delegation chain would be 5 actors deep; the limit is 4/);
    expect(mesh.pipeline.hops.at(-1)).toMatchObject({ outcome: 'denied' });
    // A local agent is not forwarded to, so the same chain reaches it.
    const local = mesh.agentUrl('echo');
    expect((await sendForTask(local, deep(4, local), send('local'))).status.state).toBe('TASK_STATE_COMPLETED');
    expect((await rpc(local, deep(5, local), send('too deep'))).body?.error?.code).toBe(-32043);
  });
});
