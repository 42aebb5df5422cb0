import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as a loopback test server saw it. */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  /** The address the client dialed, as the server's end of the socket. */
  readonly localAddress: string;
}

export interface LoopbackServer {
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly requests: SeenRequest[];
  /** Resolves when a connection to this server is closed. */
  readonly connectionClosed: Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse, seen: SeenRequest) => void;

/**
 * Test servers on 127.0.0.1 only, closed (connections too) by `closeAll`.
 * Test support for this folder; not part of the package's API.
 */
export class LoopbackServers {
  readonly #servers: Server[] = [];

  async start(handler: Handler): Promise<LoopbackServer> {
    const requests: SeenRequest[] = [];
    let markClosed: () => void = () => {};
    const connectionClosed = new Promise<void>((resolve) => {
      markClosed = resolve;
    });
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const seen: SeenRequest = {
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          localAddress: req.socket.localAddress ?? '',
        };
        requests.push(seen);
        handler(req, res, seen);
      });
    });
    server.on('connection', (socket) => socket.once('close', () => markClosed()));
    this.#servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return { port, origin: `http://127.0.0.1:${port}`, requests, connectionClosed };
  }

  async closeAll(): Promise<void> {
    const servers = this.#servers.splice(0);
    await Promise.all(
      servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      ),
    );
  }
}
