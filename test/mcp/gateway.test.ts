import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as TransportV1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { type TestStoreBackend, testStoreBackends } from '@parley/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './support/harness.ts';

const FREE_SLOTS = { attendees: ['alice', 'bob'], durationMinutes: 120 };

async function connect(h: Harness, token: string, mode: 'legacy' | 'auto' = 'legacy', path = '/mcp') {
  const client = new Client({ name: 'test', version: '1' }, { versionNegotiation: { mode } });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${h.baseUrl}${path}`), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  return client;
}

describe.each(testStoreBackends())('MCP gateway on $name', (backend: TestStoreBackend) => {
  let h: Harness;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    const opened = await backend.open();
    dispose = opened.dispose;
    h = await startHarness({
      store: opened.store,
      mcp: {
        approvalWait: '1s',
        virtualServers: [{ name: 'scheduling', tools: ['calendar.find_free_slots', 'rooms.*'] }],
      },
    });
  });
  afterAll(async () => {
    await h?.close();
    await dispose?.();
  });

  it.each(['legacy', 'auto'] as const)(
    'serves namespaced tools to the v2 SDK client (%s negotiation)',
    async (mode) => {
      const client = await connect(h, await h.token(), mode);
      expect(client.getNegotiatedProtocolVersion()).toBe(mode === 'legacy' ? '2025-11-25' : '2026-07-28');
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual([
        'calendar.find_free_slots',
        'calendar.list_events',
        'mail.draft_email',
        'mail.send_email',
        'rooms.book_room',
        'rooms.search_rooms',
      ]);
      const result = await client.callTool({ name: 'calendar.find_free_slots', arguments: FREE_SLOTS });
      expect(JSON.stringify(result.content)).toContain('2026-03-11: 09:45-17:00');
      await client.close();
    },
  );

  it('serves the v1 SDK client, stdio upstream included', async () => {
    const client = new ClientV1({ name: 'v1', version: '1' });
    await client.connect(
      new TransportV1(new URL(h.mcpUrl), { requestInit: { headers: { authorization: `Bearer ${await h.token()}` } } }),
    );
    const result = await client.callTool({
      name: 'mail.draft_email',
      arguments: { to: ['bob@example.com'], subject: 'Offsite', body: 'Thursday?' },
    });
    expect(JSON.stringify(result.content)).toMatch(/Draft draft-\d+ created/);
    await client.close();
  });

  it('a virtual server shows only its subset and refuses the rest', async () => {
    const client = await connect(
      h,
      await h.token('alice', { aud: `${h.baseUrl}/mcp/scheduling` }),
      'legacy',
      '/mcp/scheduling',
    );
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      'calendar.find_free_slots',
      'rooms.book_room',
      'rooms.search_rooms',
    ]);
    await expect(client.callTool({ name: 'mail.send_email', arguments: {} })).rejects.toThrow(/Unknown tool/);
    await client.close();
  });

  it('never sends the caller token upstream; upstreams see their configured credential', async () => {
    const token = await h.token();
    const client = await connect(h, token);
    await client.callTool({ name: 'calendar.list_events', arguments: { people: ['carol'] } });
    await client.callTool({ name: 'rooms.search_rooms', arguments: { capacity: 6, date: '2026-03-12' } });
    const all = [...h.upstreams.calendar.seenHeaders, ...h.upstreams.rooms.seenHeaders];
    expect(all.some((headers) => String(headers.authorization).includes(token))).toBe(false);
    expect(h.upstreams.calendar.seenHeaders.at(-1)?.authorization).toBe('Bearer calendar-secret');
    expect(h.upstreams.rooms.seenHeaders.at(-1)?.authorization).toBe(`Bearer exchanged-for-${h.upstreams.rooms.url}`);
    await client.close();
  });

  it('answers 401 with a resource_metadata challenge, and publishes RFC 9728 metadata', async () => {
    const response = await fetch(h.mcpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer resource_metadata="${h.baseUrl}/.well-known/oauth-protected-resource/mcp"`,
    );
    const metadata = await (await fetch(`${h.baseUrl}/.well-known/oauth-protected-resource/mcp`)).json();
    expect(metadata).toMatchObject({ resource: h.mcpUrl, authorization_servers: [h.baseUrl] });
    const vs = await (await fetch(`${h.baseUrl}/.well-known/oauth-protected-resource/mcp/scheduling`)).json();
    expect(vs.resource).toBe(`${h.baseUrl}/mcp/scheduling`);
    expect((await fetch(`${h.baseUrl}/.well-known/oauth-protected-resource/mcp/nope`)).status).toBe(404);
  });

  it('refuses a token minted for another audience', async () => {
    const token = await h.token('alice', { aud: 'http://127.0.0.1:1/other' });
    await expect(connect(h, token)).rejects.toThrow();
    const response = await fetch(h.mcpUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
    // A token for /mcp/scheduling does not open /mcp either.
    const vsToken = await h.token('alice', { aud: `${h.baseUrl}/mcp/scheduling` });
    await expect(connect(h, vsToken)).rejects.toThrow();
  });

  it('hides a forbidden tool from tools/list and refuses calling it', async () => {
    h.pipeline.policy = (_caller, action) => (action.resource.id === 'mail.send_email' ? 'deny' : 'allow');
    try {
      const client = await connect(h, await h.token());
      const names = (await client.listTools()).tools.map((t) => t.name);
      expect(names).toContain('mail.draft_email');
      expect(names).not.toContain('mail.send_email');
      await expect(
        client.callTool({ name: 'mail.send_email', arguments: { to: ['x@example.com'], subject: 's' } }),
      ).rejects.toThrow(/not permitted/);
      expect(h.pipeline.records.at(-1)).toMatchObject({
        outcome: 'denied',
        action: { action: 'tools/call', resource: { id: 'mail.send_email' } },
      });
      await client.close();
    } finally {
      h.pipeline.policy = () => 'allow';
    }
  });

  it('lets admins add, list and remove upstreams over the admin API, and nobody else', async () => {
    const api = async (method: string, path: string, token: string, body?: unknown) =>
      fetch(`${h.baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    const admin = await h.pipeline.token({ sub: 'root', aud: `${h.baseUrl}/api`, roles: ['admin'] });
    const user = await h.pipeline.token({ sub: 'alice', aud: `${h.baseUrl}/api` });
    const definition = { name: 'rooms2', url: h.upstreams.rooms.url };
    expect((await api('POST', '/api/mcp/servers', user, definition)).status).toBe(403);
    expect((await api('POST', '/api/mcp/servers', admin, { name: 'Bad Name', url: 'ftp://x' })).status).toBe(400);
    expect((await api('POST', '/api/mcp/servers', admin, definition)).status).toBe(201);
    const { servers } = await (await api('GET', '/api/mcp/servers', admin)).json();
    expect(servers.find((s: { name: string }) => s.name === 'rooms2')).toMatchObject({
      source: 'api',
      status: 'ready',
      tools: 2,
    });
    const client = await connect(h, await h.token());
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('rooms2.search_rooms');
    expect((await api('DELETE', '/api/mcp/servers/calendar', admin)).status).toBe(409);
    expect((await api('DELETE', '/api/mcp/servers/rooms2', admin)).status).toBe(204);
    expect((await client.listTools()).tools.map((t) => t.name)).not.toContain('rooms2.search_rooms');
    await client.close();
  });

  describe('approvals', () => {
    const needsApproval = () =>
      (h.pipeline.policy = (_c, a) => (a.resource.id === 'rooms.book_room' ? 'approval' : 'allow'));
    const booking = (date: string) => ({ room: 'cosmos', date, title: 'Offsite' });

    it('runs the call once a human approves', async () => {
      needsApproval();
      h.pipeline.onApproval = ({ id }) => h.pipeline.settle(id, 'approved');
      const client = await connect(h, await h.token());
      const result = await client.callTool({ name: 'rooms.book_room', arguments: booking('2026-03-12') });
      expect(JSON.stringify(result.content)).toContain('Booked cosmos on 2026-03-12');
      expect(h.bookings.bookings.some((b) => b.date === '2026-03-12')).toBe(true);
      await client.close();
    });

    it.each(['denied', 'expired'] as const)(
      'fails clearly when the approval is %s, and nothing runs',
      async (outcome) => {
        needsApproval();
        h.pipeline.onApproval = ({ id }) => h.pipeline.settle(id, outcome);
        const client = await connect(h, await h.token());
        const date = outcome === 'denied' ? '2026-03-09' : '2026-03-10';
        await expect(client.callTool({ name: 'rooms.book_room', arguments: booking(date) })).rejects.toThrow(
          outcome === 'denied' ? /was denied/ : /expired/,
        );
        expect(h.bookings.bookings.some((b) => b.date === date)).toBe(false);
        await client.close();
      },
    );

    it('refuses when the arguments differ from what was approved', async () => {
      needsApproval();
      h.pipeline.onApproval = undefined;
      const token = await h.token('bob');
      const caller = await h.pipeline.authenticate(
        { method: 'POST', url: h.mcpUrl, headers: { authorization: `Bearer ${token}` } },
        { url: h.mcpUrl },
      );
      const approved = {
        protocol: 'mcp' as const,
        action: 'tools/call',
        resource: { type: 'Tool', id: 'rooms.book_room' },
        arguments: booking('2026-03-13'),
        audience: h.mcpUrl,
      };
      const approvalId = h.pipeline.preApprove(caller, approved);
      // The fake's decide finds no approval for the changed arguments, so show it the approved one:
      h.pipeline.policy = () => 'allow';
      const original = h.pipeline.decide.bind(h.pipeline);
      h.pipeline.decide = async () => ({ effect: 'allow', policies: ['p'], approvalId });
      try {
        const client = await connect(h, token);
        await expect(
          client.callTool({ name: 'rooms.book_room', arguments: { ...booking('2026-03-13'), room: 'delta' } }),
        ).rejects.toThrow(/does not cover this call/);
        expect(h.bookings.bookings.some((b) => b.room === 'delta')).toBe(false);
        await client.close();
      } finally {
        h.pipeline.decide = original;
      }
    });

    it('gives up after approvalWait with the approval URL when nobody decides', async () => {
      needsApproval();
      h.pipeline.onApproval = undefined;
      const client = await connect(h, await h.token());
      await expect(client.callTool({ name: 'rooms.book_room', arguments: booking('2026-03-11') })).rejects.toThrow(
        /approve at http:\/\/127\.0\.0\.1:\d+\/approvals\//,
      );
      expect(h.pipeline.records.at(-1)?.outcome).toBe('pending');
      await client.close();
    });
  });
});
