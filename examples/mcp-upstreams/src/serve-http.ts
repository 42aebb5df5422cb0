import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler, type McpServer } from '@modelcontextprotocol/server';

/** A running demo server. */
export interface HttpUpstream {
  readonly url: string;
  /** Every request's headers, newest last (tests check what the gateway sends). */
  readonly seenHeaders: Array<Record<string, string | string[] | undefined>>;
  close(): Promise<void>;
}

/**
 * Serves an MCP server factory over Streamable HTTP on 127.0.0.1 (both protocol
 * eras: 2026-07-28 per request, 2025-era stateless fallback) at `/mcp`.
 */
export async function serveHttp(factory: () => McpServer, port = 0): Promise<HttpUpstream> {
  const handler = toNodeHandler(createMcpHandler(factory));
  const seenHeaders: HttpUpstream['seenHeaders'] = [];
  const server: Server = createServer((req, res) => {
    seenHeaders.push({ ...req.headers });
    if (seenHeaders.length > 1000) seenHeaders.shift();
    if (!req.url?.startsWith('/mcp')) {
      res.writeHead(404).end();
      return;
    }
    void handler(req as never, res);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}/mcp`,
    seenHeaders,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
