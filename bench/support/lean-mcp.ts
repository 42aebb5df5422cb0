// A minimal stateless MCP server (2026-07-28 over Streamable HTTP) on plain
// node:http, with one tool. It is the bench's fast upstream: with it, the
// gateway's own cost shows instead of the upstream SDK's.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const VERSION = '2026-07-28';
const SERVER_INFO = { 'io.modelcontextprotocol/serverInfo': { name: 'lean', version: '1.0.0' } };
const TOOL = {
  name: 'test_simple_text',
  description: 'Returns a fixed text.',
  inputSchema: { type: 'object', properties: {} },
};

type Rpc = { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: { name?: unknown } };

function answer(rpc: Rpc): { status: number; body: unknown } {
  const ok = (result: Record<string, unknown>) => ({
    status: 200,
    body: { jsonrpc: '2.0', id: rpc.id, result: { ...result, resultType: 'complete', _meta: SERVER_INFO } },
  });
  const fail = (status: number, code: number, message: string) => ({
    status,
    body: { jsonrpc: '2.0', id: rpc.id ?? null, error: { code, message } },
  });
  switch (rpc.method) {
    case 'server/discover':
      return ok({ supportedVersions: [VERSION], capabilities: { tools: {} }, ttlMs: 0, cacheScope: 'public' });
    case 'tools/list':
      return ok({ tools: [TOOL], ttlMs: 0, cacheScope: 'public' });
    case 'tools/call':
      if (rpc.params?.name !== TOOL.name) return fail(200, -32602, `Unknown tool: ${String(rpc.params?.name)}`);
      return ok({ content: [{ type: 'text', text: 'This is a simple text response for testing.' }] });
    default:
      return fail(404, -32601, 'Method not found');
  }
}

function handle(req: IncomingMessage, res: ServerResponse, raw: string): void {
  const { status, body } = respond(req, raw);
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function respond(req: IncomingMessage, raw: string): { status: number; body?: unknown } {
  const error = (status: number, code: number, message: string) => ({
    status,
    body: { jsonrpc: '2.0', id: null, error: { code, message } },
  });
  if (req.method !== 'POST') return error(405, -32000, 'POST only');
  if (req.headers['mcp-protocol-version'] !== VERSION) return error(400, -32000, 'unsupported protocol version');
  let rpc: Rpc;
  try {
    rpc = JSON.parse(raw) as Rpc;
  } catch {
    return error(400, -32700, 'Parse error');
  }
  // A notification gets 202 and no body.
  if (rpc.id === undefined) return { status: 202 };
  return answer(rpc);
}

/** Serves the lean server on 127.0.0.1 at `/mcp`. */
export async function serveLean(): Promise<{ url: string; close(): void }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`, close: () => server.close() };
}
