import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { localhostHostValidation, localhostOriginValidation, toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler } from '@modelcontextprotocol/server';
import { createEverythingServer } from './everything.ts';

/** A running everything server. */
export interface EverythingHttp {
  /** `http://127.0.0.1:<port>/mcp`. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves the everything server over Streamable HTTP on 127.0.0.1 at `/mcp`:
 * 2026-07-28 per request, 2025-era requests through the SDK's stateless
 * fallback. Requests whose Host or Origin is not localhost are refused (403),
 * against DNS rebinding.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/transports#security-warning
 */
export async function serveEverything(port = 0): Promise<EverythingHttp> {
  const mcp = createMcpHandler(() => createEverythingServer({ notify: mcp.notify }));
  const handler = toNodeHandler(mcp);
  const validHost = localhostHostValidation();
  const validOrigin = localhostOriginValidation();
  const server: Server = createServer((req, res) => {
    if (!req.url?.startsWith('/mcp')) {
      res.writeHead(404).end();
      return;
    }
    if (!validHost(req, res) || !validOrigin(req, res)) return;
    void handler(req as never, res);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}/mcp`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
