import { AuditError } from '@parley/audit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { apiCaller, authenticateApiCaller } from './api-caller.ts';

/**
 * A preHandler admitting administrators only: the caller is authenticated
 * like every API caller and must hold the `admin` role.
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 */
export function requireAdmin(services: ReadonlyMap<string, unknown>, resourceUrl: string) {
  const authenticate = authenticateApiCaller(services, resourceUrl);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    await authenticate(request, reply);
    if (!apiCaller(request).roles.includes('admin')) {
      throw new AuditError('ERR_AUDIT_ADMIN_REQUIRED', 'the audit log is for administrators only', { status: 403 });
    }
  };
}
