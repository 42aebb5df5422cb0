import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type McpMesh, startEverythingMesh } from './support/mesh.ts';

// Servers MUST validate the Origin header of every request and answer 403 when
// one is present and not allowed (DNS-rebinding protection).
// https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http#security-warning
describe('the /mcp front door at the HTTP edge', () => {
  let m: McpMesh;

  beforeAll(async () => {
    m = await startEverythingMesh({}, { mcp: { allowedOrigins: ['app.example.com'] } });
  });

  afterAll(async () => {
    await m?.close();
  });

  const META = {
    'io.modelcontextprotocol/protocolVersion': '2026-07-28',
    'io.modelcontextprotocol/clientInfo': { name: 'origin-test', version: '1' },
    'io.modelcontextprotocol/clientCapabilities': {},
  };

  const headers = (origin: string | undefined, extra: Record<string, string> = {}) => ({
    authorization: `Bearer ${m.alice.apiKey}`,
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    ...(origin === undefined ? {} : { origin }),
    ...extra,
  });

  /** A stateless `tools/call` (the gateway's direct path) from a page at `origin`, if any. */
  const callTool = (origin: string | undefined) =>
    fetch(m.mcpUrl, {
      method: 'POST',
      headers: headers(origin, {
        'mcp-protocol-version': '2026-07-28',
        'mcp-method': 'tools/call',
        'mcp-name': 'everything.test_simple_text',
      }),
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'everything.test_simple_text', arguments: {}, _meta: META },
      }),
    });

  /** A 2025-11-25 `initialize`, which would open a session. */
  const initialize = (origin: string) =>
    fetch(m.mcpUrl, {
      method: 'POST',
      headers: headers(origin),
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 0,
        method: 'initialize',
        params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'origin-test', version: '1' } },
      }),
    });

  it('refuses (Origin) a page of another site, and the opaque origin, with 403 and a JSON-RPC error without id', async () => {
    for (const origin of ['https://evil.example', 'null', 'http://127.0.0.1.evil.example', 'not a url']) {
      const response = await callTool(origin);
      expect(response.status, origin).toBe(403);
      const body = (await response.json()) as { id: unknown; error?: { code: number; message: string } };
      expect(body.id).toBeNull();
      expect(body.error?.message).toMatch(/origin/i);
    }
  });

  it('opens no session for a refused Origin', async () => {
    const response = await initialize('https://evil.example');
    expect(response.status).toBe(403);
    expect(response.headers.get('mcp-session-id')).toBeNull();
  });

  it("serves (Origin) the mesh's own pages, configured origins, and clients that send no Origin", async () => {
    const own = new URL(m.url).origin;
    for (const origin of [own, 'https://app.example.com', 'http://app.example.com:8080', undefined]) {
      const response = await callTool(origin);
      expect(response.status, String(origin)).toBe(200);
      expect(await response.text()).toContain('This is a simple text response for testing.');
    }
    expect((await initialize(own)).headers.get('mcp-session-id')).toBeTruthy();
  });

  // JSON-RPC 2.0 §5.1: a body that does not parse is a Parse error; the transports
  // accept only application/json. No session is needed to be told so.
  it('answers a POST whose body is not JSON with a parse error, or 415 for another media type', async () => {
    const post = (body: string, contentType: string) =>
      fetch(m.mcpUrl, { method: 'POST', headers: headers(undefined, { 'content-type': contentType }), body });
    for (const [body, contentType, status, code] of [
      ['{"jsonrpc": "2.0", "id": 1, "method"', 'application/json', 400, -32700],
      ['', 'application/json; charset=utf-8', 400, -32700],
      ['{"jsonrpc":"2.0","id":1,"method":"tools/list"}', 'text/plain', 415, -32000],
    ] as const) {
      const response = await post(body, contentType);
      expect(response.status, `${contentType} ${body}`).toBe(status);
      const answer = (await response.json()) as { id: unknown; error?: { code: number } };
      expect(answer).toMatchObject({ id: null, error: { code } });
      expect(response.headers.get('mcp-session-id')).toBeNull();
    }
  });
});
