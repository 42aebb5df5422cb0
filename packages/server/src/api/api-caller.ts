import {
  AuthenticationError,
  type Caller,
  InsufficientScopeError,
  ParleyError,
  type RequestPipeline,
} from '@parley/core';
import type { FastifyReply, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller `authenticateApiCaller` established for this request. */
    apiCaller?: Caller;
  }
}

/**
 * A preHandler for Parley's own HTTP APIs: authenticates the caller with the
 * identity part's `authenticate` service (bearer token or API key whose
 * audience is `resourceUrl`) and keeps it on the request. 401/403 carry the
 * error's `WWW-Authenticate` challenge. Fails closed (503) when no identity
 * part is running.
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 */
export function authenticateApiCaller(services: ReadonlyMap<string, unknown>, resourceUrl: string) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const authenticate = services.get('authenticate') as RequestPipeline['authenticate'] | undefined;
    if (typeof authenticate !== 'function') {
      throw new ParleyError('ERR_API_NO_AUTHENTICATOR', 'authentication is not available', { status: 503 });
    }
    try {
      request.apiCaller = await authenticate(
        { method: request.method, url: `${resourceUrl}${request.url.replace(/^\/api/, '')}`, headers: request.headers },
        { url: resourceUrl },
      );
    } catch (error) {
      if (error instanceof AuthenticationError || error instanceof InsufficientScopeError) {
        void reply.header('www-authenticate', error.challenge);
      }
      throw error;
    }
  };
}

/** The authenticated caller of an API request (after `authenticateApiCaller`). */
export function apiCaller(request: FastifyRequest): Caller {
  if (!request.apiCaller) throw new ParleyError('ERR_API_NO_CALLER', 'request was not authenticated');
  return request.apiCaller;
}
