import { AuditError } from '@parley/audit';
import { AuthenticationError, type Caller, InsufficientScopeError, type RequestPipeline } from '@parley/core';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * A preHandler admitting administrators only: the identity part's
 * `authenticate` service verifies the credential, the caller must hold the
 * `admin` role. 401/403 carry the error's `WWW-Authenticate` challenge.
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 */
export function requireAdmin(services: ReadonlyMap<string, unknown>, resourceUrl: string) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const authenticate = services.get('authenticate') as RequestPipeline['authenticate'] | undefined;
    // Fail closed: without identity nobody can be shown the audit log.
    if (typeof authenticate !== 'function') {
      throw new AuditError('ERR_AUDIT_NO_AUTHENTICATOR', 'authentication is not available', { status: 503 });
    }
    let caller: Caller;
    try {
      caller = await authenticate(
        { method: request.method, url: `${resourceUrl}${request.url.replace(/^\/api/, '')}`, headers: request.headers },
        { url: resourceUrl },
      );
    } catch (error) {
      if (error instanceof AuthenticationError || error instanceof InsufficientScopeError) {
        void reply.header('www-authenticate', error.challenge);
      }
      throw error;
    }
    if (!caller.roles.includes('admin')) {
      throw new AuditError('ERR_AUDIT_ADMIN_REQUIRED', 'the audit log is for administrators only', { status: 403 });
    }
  };
}
