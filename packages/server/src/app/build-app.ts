import { randomUUID } from 'node:crypto';
import type { Logger } from '@parley/core';
import type { Store } from '@parley/store';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { errorHandler } from './error-handler.ts';
import { healthRoutes } from './health.ts';

export interface BuildAppOptions {
  logger: Logger;
  store: Store;
  bodyLimit: number;
  trustProxy: boolean;
}

/** The Fastify instance every part mounts its routes on. */
export function buildApp(options: BuildAppOptions): FastifyInstance {
  const app = Fastify({
    // Fastify's base logger type is narrower than pino's; the instance is pino.
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: options.bodyLimit,
    trustProxy: options.trustProxy,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    // Keep-alive sockets must not hold shutdown hostage.
    forceCloseConnections: 'idle',
    // The time a client has to send a whole request (Node derives its headers timeout from it): with
    // Fastify's default of none, a connection that sends nothing, or a byte a minute, is held forever.
    requestTimeout: 30_000,
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true },
  });
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    // A keep-alive socket that outlives its last response would hold
    // shutdown open until the keep-alive timeout; close it after this reply.
    if (closing) void reply.header('connection', 'close');
  });
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({
      error: { code: 'ERR_NOT_FOUND', message: `no route for ${request.method} ${request.url.split('?')[0]}` },
    });
  });
  void app.register(healthRoutes, { store: options.store });
  return app;
}
