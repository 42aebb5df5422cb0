import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateConfig } from '@parley/config';
import { silentLogger } from '@parley/core';
import { type Mesh, startMesh } from '@parley/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/parley-process.ts';

/** A small seeded generator (mulberry32), so a failing request can be found again. */
function random(seed: number) {
  let state = seed;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    chance: (p: number) => next() < p,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
  };
}

const ODD: readonly unknown[] = [null, true, 0, -1, 1e308, 'x', '', [], {}, [1, 2], { a: { b: [] } }, 'A'.repeat(5000)];
const METHODS = [
  'tools/call',
  'tools/list',
  'server/discover',
  'initialize',
  'resources/read',
  'prompts/get',
  'completion/complete',
  'resources/subscribe',
  'logging/setLevel',
  'SendMessage',
  'GetTask',
  'message/send',
  'tasks/get',
  'CancelTask',
  'SendStreamingMessage',
  'nope',
];
const PATHS = [
  '/mcp',
  '/mcp/nope',
  '/a2a/concierge',
  '/a2a/scheduler',
  '/a2a/concierge/v1/message:send',
  '/a2a/concierge/v1/tasks/abc',
  '/api/approvals',
  '/api/policy/explain',
  '/api/console/me',
  '/api/audit/entries?after=-1',
  '/oauth/token',
  '/oauth/register',
  '/oauth/revocation',
  '/admin/keys',
];
const TOOLS = ['calendar.find_free_slots', 'rooms.book_room', 'rooms.list_rooms', 'mail.send_email', 'nope.x'];

// Every external input is validated at the edge: whatever arrives, the answer
// is a 4xx (or a protocol-level error), never a 5xx, and the server stays up.
describe('malformed and hostile requests against parley dev', () => {
  let mesh: Mesh;
  let dataDir: string;
  const keys: string[] = [];

  beforeAll(async () => {
    dataDir = tempDir('parley-robust-');
    // alice may call the demo tools herself, so odd arguments reach the upstreams.
    const policy = join(dataDir, 'robust.cedar');
    writeFileSync(
      policy,
      ['calendar', 'rooms', 'mail']
        .map((server) => `permit (principal == User::"alice", action, resource in McpServer::"${server}");`)
        .join('\n'),
    );
    mesh = await startMesh({
      config: validateConfig({
        dataDir,
        server: { port: 0 },
        log: { level: 'silent' },
        policy: { files: [policy] },
        mcp: { approvalWait: '1s' },
      }),
      mode: 'dev',
      logger: silentLogger(),
    });
    const credentials = JSON.parse(readFileSync(join(dataDir, 'dev-credentials.json'), 'utf8')) as {
      users: Array<{ apiKey: string }>;
    };
    keys.push(...credentials.users.map((u) => u.apiKey), readFileSync(join(dataDir, 'admin-api-key'), 'utf8').trim());
  }, 60_000);
  afterAll(async () => {
    await mesh?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 600 generated requests to every front door without a 5xx', { timeout: 120_000 }, async () => {
    const r = random(20261123);
    const failures: string[] = [];
    for (let i = 0; i < 600; i++) {
      const path = r.pick(PATHS);
      const headers: Record<string, string> = {
        'content-type': r.pick(['application/json', 'text/plain', 'application/x-www-form-urlencoded']),
        accept: r.pick(['application/json, text/event-stream', '*/*', 'application/json']),
      };
      const token = r.pick([...keys, 'garbage', undefined]);
      if (token) headers.authorization = `Bearer ${token}`;
      if (r.chance(0.5)) headers['mcp-protocol-version'] = r.pick(['2026-07-28', '2025-11-25', '2025-03-26', 'x']);
      if (r.chance(0.3)) headers['mcp-method'] = r.pick(METHODS);
      if (r.chance(0.2)) headers['mcp-session-id'] = r.pick(['x', 'a'.repeat(300)]);
      if (r.chance(0.2)) headers['a2a-version'] = r.pick(['1.0', '0.3', 'x']);
      const params: Record<string, unknown> = {};
      for (const key of ['name', 'arguments', '_meta', 'id', 'uri', 'ref', 'configuration', 'metadata']) {
        if (r.chance(0.3)) params[key] = r.pick(ODD);
      }
      if (r.chance(0.3)) {
        params.message = {
          role: r.pick(['user', 'agent', 'x', 1]),
          parts: r.pick([[{ text: 'hi' }], [{ kind: 'text', text: 1 }], 'x', [{}], null]),
          messageId: r.pick(['m', 1, null]),
        };
      }
      const message = { jsonrpc: '2.0', id: r.pick([1, 'a', null, {}]), method: r.pick(METHODS), params };
      let body = JSON.stringify(r.pick([message, [message], r.pick(ODD)]));
      if (r.chance(0.1)) body = body.slice(0, Math.floor(body.length / 2));
      if (headers['content-type'] === 'application/x-www-form-urlencoded') {
        body = r.pick(['grant_type=refresh_token&refresh_token=x', 'token=abc', 'grant_type=nope', '%%%']);
      }
      const method = r.pick(['POST', 'POST', 'GET', 'DELETE']);
      const response = await fetch(`${mesh.url}${path}`, {
        method,
        headers,
        ...(method === 'GET' ? {} : { body }),
        signal: AbortSignal.timeout(10_000),
      });
      await response.body?.cancel();
      if (response.status >= 500) failures.push(`#${i} ${response.status} ${method} ${path} ${body.slice(0, 120)}`);
    }
    expect(failures).toEqual([]);
    expect((await fetch(`${mesh.url}/healthz`)).status).toBe(200);
  });

  it('answers 200 tool calls with arguments of every odd shape with a result or an MCP error', {
    timeout: 120_000,
  }, async () => {
    const r = random(7);
    const failures: string[] = [];
    for (let i = 0; i < 200; i++) {
      const tool = r.pick(TOOLS);
      const args: Record<string, unknown> = {};
      for (const key of ['room', 'date', 'title', 'attendees', 'to', 'subject', 'body', 'days', 'duration']) {
        if (r.chance(0.5)) args[key] = r.pick([...ODD, '2026-12-01', 'borealis', 'alice@example.com', 8]);
      }
      const response = await fetch(`${mesh.url}/mcp`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-protocol-version': '2026-07-28',
          'mcp-method': 'tools/call',
          'mcp-name': tool,
          authorization: `Bearer ${r.pick(keys)}`,
        },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: i,
          method: 'tools/call',
          params: {
            name: tool,
            arguments: r.pick([args, args, null, 'x']),
            _meta: {
              'io.modelcontextprotocol/protocolVersion': '2026-07-28',
              'io.modelcontextprotocol/clientInfo': { name: 'robustness', version: '1' },
              'io.modelcontextprotocol/clientCapabilities': {},
            },
          },
        }),
        signal: AbortSignal.timeout(15_000),
      });
      const text = await response.text();
      if (response.status >= 500 || /internal error/i.test(text)) {
        failures.push(
          `#${i} ${response.status} ${tool} ${JSON.stringify(args).slice(0, 120)} -> ${text.slice(0, 120)}`,
        );
      }
    }
    expect(failures).toEqual([]);
  });
});
