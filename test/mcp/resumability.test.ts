import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alicePolicy, type McpMesh, startEverythingMesh } from './support/mesh.ts';

const LEGACY = '2025-11-25';

interface SseEvent {
  readonly id: string | undefined;
  readonly data: { method?: string; params?: Record<string, unknown> };
}

/** Reads SSE events until `enough` says so or `ms` pass, then lets go of the stream. */
async function readEvents(response: Response, enough: (events: SseEvent[]) => boolean, ms = 5_000) {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const events: SseEvent[] = [];
  let buffer = '';
  const deadline = Date.now() + ms;
  try {
    while (!enough(events) && Date.now() < deadline) {
      const timeout = new Promise<undefined>((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now())));
      const chunk = await Promise.race([reader.read(), timeout]);
      if (!chunk || chunk.done) break;
      buffer += decoder.decode(chunk.value, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const id = /^id: ?(.*)$/m.exec(block)?.[1];
        const data = /^data: ?(.*)$/m.exec(block)?.[1];
        if (data) events.push({ id, data: JSON.parse(data) as SseEvent['data'] });
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return events;
}

// 2025-11-25 resumability: a client that reconnects its GET stream with Last-Event-ID gets what
// it missed on that stream, and nothing that was meant for any other stream.
describe('resumable GET streams (2025-11-25)', () => {
  let m: McpMesh;
  let opsKey: string;

  beforeAll(async () => {
    m = await startEverythingMesh(
      {},
      {
        policy: `${alicePolicy(['everything'])}
permit (principal == User::"ops", action, resource in McpServer::"everything");
permit (principal == User::"ops", action, resource == McpServer::"everything");
`,
      },
    );
    const { users } = JSON.parse(readFileSync(join(m.dataDir, 'dev-credentials.json'), 'utf8')) as {
      users: Array<{ username: string; apiKey: string }>;
    };
    opsKey = users.find((u) => u.username === 'ops')?.apiKey ?? '';
    expect(opsKey).not.toBe('');
  });

  afterAll(async () => {
    await m?.close();
  });

  const headers = (key: string, session?: string, extra: Record<string, string> = {}) => ({
    authorization: `Bearer ${key}`,
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    ...(session ? { 'mcp-session-id': session, 'mcp-protocol-version': LEGACY } : {}),
    ...extra,
  });

  const post = async (key: string, session: string | undefined, message: Record<string, unknown>) => {
    const response = await fetch(m.mcpUrl, {
      method: 'POST',
      headers: headers(key, session),
      body: JSON.stringify({ jsonrpc: '2.0', ...message }),
    });
    if (response.headers.get('content-type')?.includes('text/event-stream')) {
      await readEvents(response, (events) => events.some((e) => 'result' in e.data || 'error' in e.data));
    } else await response.text();
    return response;
  };

  const openSession = async (key: string) => {
    const response = await post(key, undefined, {
      id: 0,
      method: 'initialize',
      params: { protocolVersion: LEGACY, capabilities: {}, clientInfo: { name: 'resume-test', version: '1' } },
    });
    const session = response.headers.get('mcp-session-id');
    if (!session) throw new Error(`no session (HTTP ${response.status})`);
    await post(key, session, { method: 'notifications/initialized' });
    return session;
  };

  const listen = (key: string, session: string, lastEventId?: string) =>
    fetch(m.mcpUrl, {
      headers: headers(key, session, {
        accept: 'text/event-stream',
        ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
      }),
    });

  const call = (key: string, session: string, id: number, name: string, args: Record<string, unknown> = {}) =>
    post(key, session, { id, method: 'tools/call', params: { name: `everything.${name}`, arguments: args } });

  it("replays the stream's own missed events, and none of another session's", async () => {
    const alice = await openSession(m.alice.apiKey);
    const ops = await openSession(opsKey);
    const aliceStream = await listen(m.alice.apiKey, alice);
    const opsStream = await listen(opsKey, ops);
    expect([aliceStream.status, opsStream.status]).toEqual([200, 200]);
    const aliceReading = readEvents(aliceStream, (events) => events.length >= 2);
    const opsReading = readEvents(opsStream, (events) => events.length >= 3);

    // Two tool-list changes reach both sessions' GET streams; then one resource update, ops's alone.
    await call(m.alice.apiKey, alice, 1, 'test_trigger_tool_change');
    await call(m.alice.apiKey, alice, 2, 'test_trigger_tool_change');
    await post(opsKey, ops, { id: 3, method: 'resources/subscribe', params: { uri: 'test://watched-resource' } });
    await call(opsKey, ops, 4, 'touch_resource', { uri: 'test://watched-resource' });

    const seen = await aliceReading;
    expect(seen.map((e) => e.data.method)).toEqual([
      'notifications/tools/list_changed',
      'notifications/tools/list_changed',
    ]);
    const opsSeen = await opsReading;
    expect(opsSeen.map((e) => e.data.method)).toContain('notifications/resources/updated');

    // alice's client lost the second event: resuming after the first gives exactly the second.
    const resumed = await listen(m.alice.apiKey, alice, seen[0]?.id);
    expect(resumed.status).toBe(200);
    const replayed = await readEvents(resumed, () => false, 1_500);
    expect(replayed.map((e) => e.id)).toEqual([seen[1]?.id]);
    expect(replayed.map((e) => e.data.method)).not.toContain('notifications/resources/updated');

    // An event id of ops's stream replays nothing of it on alice's session.
    const crossed = await listen(m.alice.apiKey, alice, opsSeen[0]?.id);
    const leaked = crossed.ok ? await readEvents(crossed, () => false, 1_500) : [];
    expect(leaked).toEqual([]);
  });
});
