import { defineAgent, type Task } from '@parley/a2a';
import { Store, testStoreBackends } from '@parley/store';
import { describe, expect, it } from 'vitest';
import { FakePipeline, testCaller } from './support/fake-pipeline.ts';
import { artifactText, eventually, rpc, sendForTask, startA2A, statusText, testAgents } from './support/harness.ts';

/** An agent that acts for its caller (token exchange) before it answers. */
const delegating = defineAgent({
  name: 'delegating',
  card: { description: 'Calls a tool as its caller' },
  skills: [{ id: 'call', name: 'Call', description: 'call a tool' }],
  async execute(context) {
    await context.credentialFor('http://tools.test/mcp');
    return 'called';
  },
});

const send = (text: string, extra: Record<string, unknown> = {}) => ({
  jsonrpc: '2.0',
  id: 1,
  method: 'SendMessage',
  params: { message: { messageId: crypto.randomUUID(), role: 'ROLE_USER', parts: [{ text }], ...extra } },
});

describe.each(testStoreBackends())('A2A tasks on $name', (backend) => {
  it('holds a task for approval, runs it when approved, rejects it when denied', async () => {
    const open = await backend.open();
    const mesh = await startA2A(open.store);
    try {
      const url = mesh.agentUrl('echo');
      const token = mesh.pipeline.issue(testCaller('planner', { user: 'alice' }), url);
      let n = 0;
      mesh.pipeline.decideWith = () => mesh.pipeline.createApproval(`ap-${++n}`);
      const task = await sendForTask(url, token, send('book it'));
      expect(task.status.state).toBe('TASK_STATE_AUTH_REQUIRED');
      expect(statusText(task)).toMatch(/Approval ap-1 .* http:\/\/parley\.test\/approvals\/ap-1/);
      mesh.pipeline.decideWith = () => ({ effect: 'allow', policies: [] });
      mesh.pipeline.settle('ap-1', 'approved');
      await eventually(async () => {
        const got = await rpc<Task>(url, token, { jsonrpc: '2.0', id: 2, method: 'GetTask', params: { id: task.id } });
        return got.body?.result?.status.state === 'TASK_STATE_COMPLETED';
      });
      mesh.pipeline.decideWith = () => mesh.pipeline.createApproval(`ap-${++n}`);
      const second = await sendForTask(url, token, send('book again'));
      mesh.pipeline.decideWith = () => ({ effect: 'allow', policies: [] });
      mesh.pipeline.settle('ap-2', 'denied');
      await eventually(async () => {
        const got = await rpc<Task>(url, token, {
          jsonrpc: '2.0',
          id: 2,
          method: 'GetTask',
          params: { id: second.id },
        });
        return got.body?.result?.status.state === 'TASK_STATE_REJECTED';
      });
    } finally {
      await mesh.close();
      await open.dispose();
    }
  });

  it('a restarted server answers GetTask and ListTasks for old tasks, and resumes one waiting for input', async () => {
    const open = await backend.open();
    try {
      const first = await startA2A(open.store);
      const url = first.agentUrl('echo');
      const caller = testCaller('planner', { user: 'alice' });
      const done = await sendForTask(url, first.pipeline.issue(caller, url), send('remember me'));
      const waiting = await sendForTask(url, first.pipeline.issue(caller, url), send('ask'));
      expect(waiting.status.state).toBe('TASK_STATE_INPUT_REQUIRED');
      await first.close();
      const reopened =
        open.store.dialect === 'sqlite'
          ? await Store.open({ url: open.url })
          : await Store.open({ url: open.url, ...(open.schema ? { schema: open.schema } : {}) });
      const second = await startA2A(reopened);
      try {
        const url2 = second.agentUrl('echo');
        const token = second.pipeline.issue(caller, url2);
        const got = await rpc<Task>(url2, token, { jsonrpc: '2.0', id: 2, method: 'GetTask', params: { id: done.id } });
        expect(got.body?.result?.status.state).toBe('TASK_STATE_COMPLETED');
        expect(artifactText(got.body?.result)).toBe('remember me');
        const listed = await rpc<{ tasks: Task[] }>(url2, token, {
          jsonrpc: '2.0',
          id: 3,
          method: 'ListTasks',
          params: {},
        });
        expect(listed.body?.result?.tasks.map((task) => task.id).sort()).toEqual([done.id, waiting.id].sort());
        const resumed = await sendForTask(url2, token, send('after restart', { taskId: waiting.id }));
        expect(resumed.status.state).toBe('TASK_STATE_COMPLETED');
        expect(statusText(resumed)).toBe('echoed: answer: after restart');
      } finally {
        await second.close();
        await reopened.close();
      }
    } finally {
      await open.dispose();
    }
  });

  it('tasks held for approval resume waiting after a restart: approved runs, denied rejects, expired fails', async () => {
    const open = await backend.open();
    try {
      const agents = [...testAgents(), delegating];
      const first = await startA2A(open.store, { agents });
      const caller = testCaller('planner', { user: 'alice' });
      const held: Record<string, Task> = {};
      for (const [id, agent, text] of [
        ['ap-run', 'echo', 'book it'],
        ['ap-deny', 'echo', 'book that'],
        ['ap-expire', 'echo', 'book later'],
        ['ap-session', 'delegating', 'call it'],
      ] as const) {
        first.pipeline.decideWith = () => first.pipeline.createApproval(id);
        const url = first.agentUrl(agent);
        held[id] = await sendForTask(url, first.pipeline.issue(caller, url), send(text));
        expect(held[id]?.status.state).toBe('TASK_STATE_AUTH_REQUIRED');
      }
      await first.close();
      const reopened =
        open.store.dialect === 'sqlite'
          ? await Store.open({ url: open.url })
          : await Store.open({ url: open.url, ...(open.schema ? { schema: open.schema } : {}) });
      // Approvals live in the policy part's store: the restarted pipeline still knows them.
      const pipeline = new FakePipeline();
      for (const [id, approval] of first.pipeline.approvals) pipeline.approvals.set(id, approval);
      const second = await startA2A(reopened, { agents, pipeline });
      try {
        const state = async (agent: string, id: string) => {
          const url = second.agentUrl(agent);
          const got = await rpc<Task>(url, pipeline.issue(caller, url), {
            jsonrpc: '2.0',
            id: 1,
            method: 'GetTask',
            params: { id },
          });
          return got.body?.result;
        };
        pipeline.settle('ap-run', 'approved');
        pipeline.settle('ap-deny', 'denied');
        pipeline.settle('ap-expire', 'expired');
        pipeline.settle('ap-session', 'approved');
        const settled = async (agent: string, id: string, expected: string) => {
          let task: Task | undefined;
          await eventually(async () => {
            task = await state(agent, id);
            return task?.status.state === expected;
          });
          return task;
        };
        const ran = await settled('echo', held['ap-run']?.id ?? '', 'TASK_STATE_COMPLETED');
        expect(statusText(ran)).toBe('echoed: book it');
        const denied = await settled('echo', held['ap-deny']?.id ?? '', 'TASK_STATE_REJECTED');
        expect(statusText(denied)).toBe('approval ap-deny was denied');
        const expired = await settled('echo', held['ap-expire']?.id ?? '', 'TASK_STATE_FAILED');
        expect(statusText(expired)).toBe('approval ap-expire expired');
        const session = await settled('delegating', held['ap-session']?.id ?? '', 'TASK_STATE_FAILED');
        expect(statusText(session)).toMatch(/approval outlived the caller's session/);
        expect(pipeline.exchanges).toEqual([]);
      } finally {
        await second.close();
        await reopened.close();
      }
    } finally {
      await open.dispose();
    }
  });
});
