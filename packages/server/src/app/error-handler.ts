import { isParleyError, ValidationError } from '@parley/core';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Normalizes anything thrown in a route into a JSON problem the caller can act
 * on: stable `code`, public message only. Detail goes to the log, never out.
 * Protocol front doors (OAuth, MCP, A2A) render their own wire errors first.
 */
export function errorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  if (isParleyError(error)) {
    if (error.status >= 500) request.log.error({ err: error }, error.message);
    const body: Record<string, unknown> = { error: { code: error.code, message: error.publicMessage } };
    if (error instanceof ValidationError && error.issues.length > 0) {
      (body.error as Record<string, unknown>).issues = error.issues;
    }
    void reply.status(error.status).send(body);
    return;
  }
  const fastifyError = error as FastifyError;
  const status = fastifyError.statusCode ?? 500;
  if (status >= 500) {
    request.log.error({ err: error }, 'unhandled error');
    void reply.status(500).send({ error: { code: 'ERR_INTERNAL', message: 'internal error' } });
    return;
  }
  // Fastify's own 4xx (bad JSON, body too large, unsupported media type).
  void reply.status(status).send({
    error: { code: fastifyError.code ?? 'ERR_BAD_REQUEST', message: fastifyError.message },
  });
}
