import type { Task } from '@parley/a2a';
import { testStoreBackends } from '@parley/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCaller } from './support/fake-pipeline.ts';
import { eventually, rpc, sendForTask, startA2A, startWebhook } from './support/harness.ts';

const send = (text: string, extra: Record<string, unknown> = {}) => ({
  jsonrpc: '2.0',
  id: 1,
  method: 'SendMessage',
  params: { message: { messageId: crypto.randomUUID(), role: 'ROLE_USER', parts: [{ text }], ...extra } },
});

function stateOf(body: unknown): string | undefined {
  const update = (body as { statusUpdate?: { status: { state: string } } }).statusUpdate;
  return update?.status.state;
}

describe.each(testStoreBackends())('push notifications on $name', (backend) => {
  let open: Awaited<ReturnType<typeof backend.open>>;
  let mesh: Awaited<ReturnType<typeof startA2A>>;
  let url: string;
  let token: string;

  beforeAll(async () => {
    open = await backend.open();
    mesh = await startA2A(open.store);
    url = mesh.agentUrl('echo');
    token = mesh.pipeline.issue(testCaller('planner', { user: 'alice' }), url);
  });
  afterAll(async () => {
    await mesh.close();
    await open.dispose();
  });

  it('retries a failing webhook with backoff and delivers each event once, in order', async () => {
    const hook = await startWebhook({ failFirst: 2 });
    try {
      const task = await sendForTask(url, token, send('ask'));
      const created = await rpc(url, token, {
        jsonrpc: '2.0',
        id: 2,
        method: 'CreateTaskPushNotificationConfig',
        params: { taskId: task.id, url: hook.url },
      });
      expect(created.body?.error).toBeUndefined();
      await sendForTask(url, token, send('pushed', { taskId: task.id }));
      await eventually(() => hook.received.some((item) => stateOf(item.body) === 'TASK_STATE_COMPLETED'));
      await mesh.service.push.idle();

      const kinds = hook.received.map((item) => Object.keys(item.body)[0]);
      const states = hook.received.map((item) => stateOf(item.body)).filter(Boolean);
      // working (the follow-up arrived), the artifact, completed: once each, in the order they happened.
      expect(states[0]).toBe('TASK_STATE_WORKING');
      expect(states.at(-1)).toBe('TASK_STATE_COMPLETED');
      expect(kinds.indexOf('artifactUpdate')).toBeGreaterThan(0);
      expect(kinds.indexOf('artifactUpdate')).toBeLessThan(kinds.length - 1);
      expect(hook.received.filter((item) => stateOf(item.body) === 'TASK_STATE_COMPLETED')).toHaveLength(1);
      expect(hook.attempts()).toBe(hook.received.length + 2);

      const rows = await open.store.db
        .selectFrom('a2a_push_deliveries')
        .select(['seq', 'status', 'attempts'])
        .where('task_id', '=', task.id)
        .orderBy('seq')
        .execute();
      expect(rows.map((row) => row.status)).toEqual(rows.map(() => 'delivered'));
      expect(rows[0]?.attempts).toBe(3);
      expect(new Set(rows.map((row) => Number(row.seq))).size).toBe(hook.received.length);
    } finally {
      await hook.close();
    }
  });

  it('converts 0.3 push configs: set, get, list and delete in the 0.3 shapes', async () => {
    const hook = await startWebhook();
    try {
      const task = await sendForTask(url, token, send('ask'));
      const legacy = (method: string, params: unknown) => rpc(url, token, { jsonrpc: '2.0', id: 3, method, params });
      const set = await legacy('tasks/pushNotificationConfig/set', {
        taskId: task.id,
        pushNotificationConfig: {
          id: 'cfg-1',
          url: hook.url,
          token: 'legacy-token',
          authentication: { schemes: ['Bearer'], credentials: 'webhook-secret' },
        },
      });
      const expected = {
        taskId: task.id,
        pushNotificationConfig: {
          id: 'cfg-1',
          url: hook.url,
          token: 'legacy-token',
          authentication: { schemes: ['Bearer'], credentials: 'webhook-secret' },
        },
      };
      expect(set.body?.result).toEqual(expected);
      const got = await legacy('tasks/pushNotificationConfig/get', { id: task.id, pushNotificationConfigId: 'cfg-1' });
      expect(got.body?.result).toEqual(expected);
      expect((await legacy('tasks/pushNotificationConfig/list', { id: task.id })).body?.result).toEqual([expected]);
      // The 1.0 view of the same config.
      const v1 = await rpc<{ configs: unknown[] }>(url, token, {
        jsonrpc: '2.0',
        id: 4,
        method: 'ListTaskPushNotificationConfigs',
        params: { taskId: task.id },
      });
      expect(v1.body?.result?.configs).toEqual([
        {
          taskId: task.id,
          id: 'cfg-1',
          url: hook.url,
          token: 'legacy-token',
          authentication: { scheme: 'Bearer', credentials: 'webhook-secret' },
        },
      ]);

      await sendForTask(url, token, send('go', { taskId: task.id }));
      // A 0.3 client set it, so notifications are 0.3 Tasks.
      await eventually(() =>
        hook.received.some((item) => (item.body as { status?: { state?: string } }).status?.state === 'completed'),
      );
      const first = hook.received[0];
      expect(first?.headers.authorization).toBe('Bearer webhook-secret');
      expect(first?.headers['x-a2a-notification-token']).toBe('legacy-token');
      expect(String(first?.headers['x-parley-push-token'])).toMatch(/^ey/);

      const deleted = await legacy('tasks/pushNotificationConfig/delete', {
        id: task.id,
        pushNotificationConfigId: 'cfg-1',
      });
      expect(deleted.body?.error).toBeUndefined();
      expect((await legacy('tasks/pushNotificationConfig/list', { id: task.id })).body?.result).toEqual([]);
    } finally {
      await hook.close();
    }
  });

  it('accepts a push config inside a 0.3 message/send and notifies in the 0.3 shape (the Task)', async () => {
    const hook = await startWebhook();
    try {
      const answer = await rpc<Record<string, unknown>>(url, token, {
        jsonrpc: '2.0',
        id: 5,
        method: 'message/send',
        params: {
          message: {
            kind: 'message',
            messageId: crypto.randomUUID(),
            role: 'user',
            parts: [{ kind: 'text', text: 'ask' }],
          },
          configuration: { blocking: true, pushNotificationConfig: { url: hook.url, token: 'in-send' } },
        },
      });
      const task = answer.body?.result as unknown as Task & { kind: string };
      expect(task.kind).toBe('task');
      await sendForTask(url, token, send('done', { taskId: task.id }));
      const legacyState = (body: unknown) => (body as { status?: { state?: string } }).status?.state;
      await eventually(() => hook.received.some((item) => legacyState(item.body) === 'completed'));
      expect(hook.received.every((item) => item.headers['x-a2a-notification-token'] === 'in-send')).toBe(true);
      const last = hook.received.at(-1)?.body as unknown as {
        kind: string;
        id: string;
        artifacts: Array<{ parts: Array<{ kind: string; text: string }> }>;
      };
      expect(last).toMatchObject({ kind: 'task', id: task.id, status: { state: 'completed' } });
      expect(last.artifacts[0]?.parts[0]).toEqual({ kind: 'text', text: 'answer: done' });
      expect(hook.received.some((item) => 'statusUpdate' in item.body)).toBe(false);
    } finally {
      await hook.close();
    }
  });
});
