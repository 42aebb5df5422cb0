import type { Task } from '@parley/a2a';
import { testStoreBackends } from '@parley/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCaller } from './support/fake-pipeline.ts';
import { artifactText, rpc, sendForTask, startA2A } from './support/harness.ts';

const [sqlite] = testStoreBackends();
if (!sqlite) throw new Error('no SQLite test backend');
const send = (text: string, extra: Record<string, unknown> = {}) => ({
  jsonrpc: '2.0',
  id: 1,
  method: 'SendMessage',
  params: { message: { messageId: crypto.randomUUID(), role: 'ROLE_USER', parts: [{ text }], ...extra } },
});

describe('A2A through the proxy refuses what it must', () => {
  let open: Awaited<ReturnType<typeof sqlite.open>>;
  let mesh: Awaited<ReturnType<typeof startA2A>>;
  let url: string;
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    open = await sqlite.open();
    mesh = await startA2A(open.store, { allowPrivateWebhooks: false, bodyLimit: 4096 });
    url = mesh.agentUrl('echo');
    alice = mesh.pipeline.issue(testCaller('planner', { user: 'alice' }), url);
    bob = mesh.pipeline.issue(testCaller('planner', { user: 'bob' }), url);
  });
  afterAll(async () => {
    await mesh.close();
    await open.dispose();
  });

  it('answers a valid request (the baseline the refusals below differ from)', async () => {
    const ok = await rpc<{ task: Task }>(url, alice, send('hi'));
    expect(ok.status).toBe(200);
    expect(ok.body?.result?.task.status.state).toBe('TASK_STATE_COMPLETED');
  });

  it('401 with WWW-Authenticate without a token, and for a token bound to another audience', async () => {
    const none = await rpc(url, undefined, send('hi'));
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer resource_metadata=/);
    const elsewhere = mesh.pipeline.issue(testCaller('planner', { user: 'alice' }), `${mesh.baseUrl}/mcp`);
    const wrong = await rpc(url, elsewhere, send('hi'));
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/invalid_token/);
    expect(wrong.body?.error?.code).toBe(-32040);
  });

  it("hides another caller's task: GetTask, CancelTask and follow-ups are TaskNotFoundError", async () => {
    const { id } = await sendForTask(url, alice, send('ask'));
    const own = await rpc<Task>(url, alice, { jsonrpc: '2.0', id: 2, method: 'GetTask', params: { id } });
    expect(own.body?.result?.id).toBe(id);
    for (const body of [
      { jsonrpc: '2.0', id: 2, method: 'GetTask', params: { id } },
      { jsonrpc: '2.0', id: 3, method: 'CancelTask', params: { id } },
      send('answer', { taskId: id }),
    ]) {
      const answer = await rpc(url, bob, body);
      expect(answer.body?.error?.code).toBe(-32001);
    }
    const listed = await rpc<{ tasks: Task[] }>(url, bob, { jsonrpc: '2.0', id: 4, method: 'ListTasks', params: {} });
    expect(listed.body?.result?.tasks.map((task) => task.id)).not.toContain(id);
  });

  it('policy denial is 403 PermissionDenied and is recorded', async () => {
    mesh.pipeline.decideWith = (_caller, action) =>
      action.resource.id === 'shout'
        ? { effect: 'deny', policies: ['no-shouting'], reason: 'no shouting' }
        : { effect: 'allow', policies: [] };
    try {
      const denied = await rpc(url, alice, send('hi', { metadata: { skillId: 'shout' } }));
      expect(denied.status).toBe(403);
      expect(denied.body?.error?.message).toMatch(/no shouting/);
      expect(mesh.pipeline.hops.at(-1)?.outcome).toBe('denied');
    } finally {
      mesh.pipeline.decideWith = () => ({ effect: 'allow', policies: [] });
    }
  });

  it('malformed JSON-RPC: parse error, invalid request, unknown method, invalid params, bad part', async () => {
    expect((await rpc(url, alice, '{not json')).body?.error?.code).toBe(-32700);
    expect((await rpc(url, alice, { jsonrpc: '1.0', id: 1, method: 'SendMessage' })).body?.error?.code).toBe(-32600);
    expect((await rpc(url, alice, { jsonrpc: '2.0', id: 1, method: 'StealTasks', params: {} })).body?.error?.code).toBe(
      -32601,
    );
    expect((await rpc(url, alice, { jsonrpc: '2.0', id: 1, method: 'GetTask', params: {} })).body?.error?.code).toBe(
      -32602,
    );
    const twoContents = await rpc(url, alice, {
      jsonrpc: '2.0',
      id: 1,
      method: 'SendMessage',
      params: { message: { messageId: 'm', role: 'ROLE_USER', parts: [{ text: 'a', url: 'https://x.test/' }] } },
    });
    expect(twoContents.body?.error?.code).toBe(-32602);
    expect(twoContents.body?.error?.message).toMatch(/exactly one of text, raw, url or data/);
  });

  it('oversized body is refused with 413', async () => {
    const big = await rpc(url, alice, send('x'.repeat(10_000)));
    expect(big.status).toBe(413);
    expect(big.body?.error?.code).toBe(-32600);
  });

  it('unsupported A2A-Version is VersionNotSupportedError; 0.3 slash methods and shapes are accepted', async () => {
    const v2 = await rpc(url, alice, send('hi'), { 'a2a-version': '2.0' });
    expect(v2.body?.error?.code).toBe(-32009);
    const legacy = await rpc<{ kind: string; status: { state: string }; artifacts: Array<{ parts: unknown[] }> }>(
      url,
      alice,
      {
        jsonrpc: '2.0',
        id: 9,
        method: 'message/send',
        params: { message: { kind: 'message', messageId: 'm1', role: 'user', parts: [{ kind: 'text', text: 'old' }] } },
      },
    );
    expect(legacy.body?.result?.kind).toBe('task');
    expect(legacy.body?.result?.status.state).toBe('completed');
    expect(legacy.body?.result?.artifacts[0]?.parts[0]).toEqual({ kind: 'text', text: 'old' });
  });

  it('HTTP+JSON errors use the binding status codes', async () => {
    const missing = await fetch(`${url}/tasks/nope`, { headers: { authorization: `Bearer ${alice}` } });
    expect(missing.status).toBe(404);
    const error = (await missing.json()) as { error: { details: Array<{ reason: string }> } };
    expect(error.error.details[0]?.reason).toBe('TASK_NOT_FOUND');
    const badType = await fetch(`${url}/message:send`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice}`, 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(badType.status).toBe(415);
  });

  it('refuses a webhook on a private address', async () => {
    const { id: taskId } = await sendForTask(url, alice, send('ask'));
    const refused = await rpc(url, alice, {
      jsonrpc: '2.0',
      id: 5,
      method: 'CreateTaskPushNotificationConfig',
      params: { taskId, url: 'http://127.0.0.1:9/hook' },
    });
    expect(refused.body?.error?.code).toBe(-32602);
    expect(refused.body?.error?.message).toMatch(/loopback address/);
  });

  it('serves the extended card only to authenticated callers', async () => {
    const ok = await rpc<{ description: string }>(url, alice, {
      jsonrpc: '2.0',
      id: 1,
      method: 'GetExtendedAgentCard',
      params: {},
    });
    expect(ok.body?.result?.description).toBe('Echo, with secrets for authenticated callers');
    expect((await rpc(url, undefined, { jsonrpc: '2.0', id: 1, method: 'GetExtendedAgentCard' })).status).toBe(401);
  });

  it('a failing agent fails the task without leaking its internal error', async () => {
    const failed = await sendForTask(url, alice, send('fail'));
    expect(failed.status.state).toBe('TASK_STATE_FAILED');
    expect(JSON.stringify(failed)).not.toMatch(/internal detail/);
    const rejected = await sendForTask(url, alice, send('reject'));
    expect(rejected.status.state).toBe('TASK_STATE_REJECTED');
    expect(artifactText(rejected)).toBeUndefined();
  });
});
