import { createServer } from 'node:net';

/**
 * Port 0 means "any free port". Parts need the final URL (issuer, resource
 * URLs) before the server listens, so a free port is chosen up front.
 */
export async function resolvePort(host: string, port: number): Promise<number> {
  if (port !== 0) return port;
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      const chosen = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(chosen));
    });
  });
}
