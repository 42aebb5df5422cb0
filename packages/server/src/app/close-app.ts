import type { FastifyInstance } from 'fastify';

/**
 * Closes the app within `drainMs`: it stops accepting connections, closes idle
 * ones and lets requests in flight finish; whatever is still open after
 * `drainMs` (a request that outlasts it, a connection that never sent one) is
 * cut, so the parts behind the app can still be stopped in order before the
 * process's own shutdown grace runs out.
 */
export async function closeApp(app: FastifyInstance, drainMs: number): Promise<void> {
  const cut = setTimeout(() => app.server.closeAllConnections(), drainMs);
  cut.unref();
  try {
    await app.close();
  } finally {
    clearTimeout(cut);
  }
}
