import type { Store } from '@parley/store';
import type { FastifyInstance } from 'fastify';

/** `/healthz` answers while the process lives; `/readyz` only while the store answers. */
export async function healthRoutes(app: FastifyInstance, options: { store: Store }): Promise<void> {
  app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }));
  app.get('/readyz', { logLevel: 'warn' }, async (_request, reply) => {
    try {
      await options.store.ping();
      return { status: 'ready', store: options.store.dialect };
    } catch (error) {
      _request.log.warn({ err: error }, 'store not reachable');
      return reply.status(503).send({ status: 'unavailable', store: options.store.dialect });
    }
  });
}
