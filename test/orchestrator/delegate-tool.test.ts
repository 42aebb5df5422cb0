import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminApi, decideApprovals } from '../support/approvals.ts';
import { type RunningParley, startParley, tempDir } from '../support/parley-process.ts';

// The gateway's built-in `mesh.delegate` tool, end to end on a running
// `parley dev`: an MCP host (the official v2 client) hands the demo request
// to the concierge; the two approvals are decided through the approvals API.
const DEMO =
  'Plan a team offsite for the platform team next week: find a day everyone is free, book a room for 8 people, and email the announcement';

interface AuditEntry {
  action: string;
  resource?: string;
  principal?: string;
  onBehalfOf?: string;
  actorChain: string[];
  outcome: string;
}

interface Delegated {
  state: string;
  taskId?: string;
  traceId?: string;
  subtasks: Array<{ agent: string; status: string; reason?: string }>;
}

let mesh: RunningParley;
let api: ReturnType<typeof adminApi>;
let aliceKey: string;

beforeAll(async () => {
  const dataDir = tempDir('parley-delegate-');
  mesh = await startParley(['dev', '--data-dir', dataDir]);
  api = adminApi(mesh.url, readFileSync(join(dataDir, 'admin-api-key'), 'utf8').trim());
  const dev = JSON.parse(readFileSync(join(dataDir, 'dev-credentials.json'), 'utf8')) as {
    users: Array<{ username: string; apiKey: string }>;
  };
  aliceKey = dev.users.find((u) => u.username === 'alice')?.apiKey ?? '';
}, 60_000);

afterAll(async () => {
  await mesh?.stop('SIGTERM');
});

async function connect(apiKey: string): Promise<Client> {
  const client = new Client({ name: 'delegate-test', version: '1' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${mesh.url}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${apiKey}` } },
    }),
  );
  return client;
}

describe('the gateway tool mesh.delegate (parley dev)', () => {
  it('hands the demo request to the concierge and answers with the date, the room and the mail', async () => {
    const client = await connect(aliceKey);
    try {
      const { tools } = await client.listTools();
      const delegate = tools.find((t) => t.name === 'mesh.delegate');
      expect(delegate?.inputSchema.required).toEqual(['request']);

      const progress: string[] = [];
      const call = client.callTool(
        { name: 'mesh.delegate', arguments: { request: DEMO } },
        {
          onprogress: (p) => progress.push(p.message ?? ''),
          timeout: 120_000,
          resetTimeoutOnProgress: true,
        },
      );
      const approved = await decideApprovals(api, 'approve', call);
      const result = await call;
      const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
      const delegated = result.structuredContent as unknown as Delegated;

      expect(result.isError).toBeFalsy();
      expect(delegated.state).toBe('TASK_STATE_COMPLETED');
      expect(delegated.taskId).toBeTruthy();
      expect(delegated.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(delegated.subtasks.map((s) => `${s.agent}:${s.status}`).sort()).toEqual([
        'comms:completed',
        'facilities:completed',
        'scheduler:completed',
      ]);
      expect(approved.map((a) => `${a.resource.type}::${a.resource.id}`).sort()).toEqual([
        'Tool::mail.send_email',
        'Tool::rooms.book_room',
      ]);
      const date = /\b\d{4}-\d{2}-\d{2}\b/.exec(text)?.[0];
      expect(date).toBeDefined();
      expect(text).toContain(`Booked Borealis (8 seats) for 8 people on ${date}`);
      expect(text).toMatch(/Sent "Team offsite on \d{4}-\d{2}-\d{2}" to alice@example\.com/);
      // The concierge's status messages arrive as progress, approval links included.
      expect(progress.some((m) => m.startsWith('Plan: '))).toBe(true);
      expect(progress.some((m) => /waiting for approval at http/.test(m))).toBe(true);

      // The gateway called the concierge for alice, as itself (act), never with alice's own key.
      const { entries } = await api<{ entries: AuditEntry[] }>('/api/audit/tail?n=500');
      const send = entries.find((e) => e.action === 'SendMessage' && e.resource === 'Skill::plan_and_delegate');
      expect(send).toMatchObject({ principal: 'Agent::parley-gateway', onBehalfOf: 'User::alice', outcome: 'ok' });
      expect(send?.actorChain).toEqual(['parley-gateway']);
    } finally {
      await client.close();
    }
  }, 150_000);

  it('is neither listed nor callable for a principal no policy permits', async () => {
    const user = `bob${Date.now()}`;
    await api('/admin/users', { method: 'POST', body: JSON.stringify({ username: user }) });
    const { key } = await api<{ key: string }>('/admin/keys', {
      method: 'POST',
      body: JSON.stringify({ principal: user }),
    });
    const client = await connect(key);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).not.toContain('mesh.delegate');
      await expect(client.callTool({ name: 'mesh.delegate', arguments: { request: DEMO } })).rejects.toThrow(
        /not permitted/,
      );
    } finally {
      await client.close();
    }
  });

  it('cancels the concierge task when the MCP call is aborted', async () => {
    const client = await connect(aliceKey);
    try {
      const abort = new AbortController();
      let started!: () => void;
      const planned = new Promise<void>((resolve) => {
        started = resolve;
      });
      const call = client.callTool(
        { name: 'mesh.delegate', arguments: { request: DEMO } },
        {
          signal: abort.signal,
          timeout: 120_000,
          onprogress: (p) => {
            if (p.message?.includes('waiting for approval')) started();
          },
        },
      );
      call.catch(() => {});
      // Abort while the ask waits for an approval nobody gives.
      await planned;
      abort.abort();
      await expect(call).rejects.toThrow();

      // CancelTask succeeds only on a task that is not yet terminal, so an `ok`
      // means the concierge's task went to TASK_STATE_CANCELED; the concierge
      // then cancels the subtask that was waiting for its approval.
      const canceled = (entries: AuditEntry[]) => ({
        concierge: entries.find((e) => e.action === 'CancelTask' && e.resource === 'A2AAgent::concierge'),
        subtask: entries.find(
          (e) =>
            e.action === 'CancelTask' && e.principal === 'Agent::concierge' && e.resource === 'A2AAgent::facilities',
        ),
      });
      let found = canceled([]);
      for (let i = 0; i < 40 && !(found.concierge && found.subtask); i++) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        found = canceled((await api<{ entries: AuditEntry[] }>('/api/audit/tail?n=200')).entries);
      }
      expect(found.concierge).toMatchObject({
        principal: 'Agent::parley-gateway',
        onBehalfOf: 'User::alice',
        outcome: 'ok',
      });
      expect(found.subtask).toMatchObject({ outcome: 'ok' });
    } finally {
      await client.close();
    }
  }, 60_000);
});
