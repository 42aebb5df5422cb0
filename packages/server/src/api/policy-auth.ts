import {
  AuthenticationError,
  type Caller,
  ForbiddenError,
  InsufficientScopeError,
  ParleyError,
  type RequestPipeline,
} from '@parley/core';
import { denyReason, type PolicyDecision } from '@parley/policy';
import type { FastifyReply, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the policy API's authentication hook. */
    policyCaller?: Caller;
  }
}

/**
 * A preHandler that authenticates the caller with the identity part's
 * `authenticate` service (bearer token or API key for `resourceUrl`) and keeps
 * it on the request. 401/403 carry the error's `WWW-Authenticate` challenge.
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 */
export function authenticatePolicyCaller(services: ReadonlyMap<string, unknown>, resourceUrl: string) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const authenticate = services.get('authenticate') as RequestPipeline['authenticate'] | undefined;
    // Fail closed: without identity nobody may decide approvals or change policy.
    if (typeof authenticate !== 'function') {
      throw new ParleyError('ERR_POLICY_NO_AUTHENTICATOR', 'authentication is not available', { status: 503 });
    }
    try {
      request.policyCaller = await authenticate(
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

/** The authenticated caller of a policy API request. */
export function policyCaller(request: FastifyRequest): Caller {
  if (!request.policyCaller) throw new ParleyError('ERR_POLICY_NO_CALLER', 'request was not authenticated');
  return request.policyCaller;
}

/** Throws 403 unless the decision allows. */
export function requireAllowed(decision: PolicyDecision, what: string): void {
  if (decision.code === 'allow') return;
  const reason = decision.code === 'deny' ? denyReason(decision) : 'approval is not supported here';
  throw new ForbiddenError(`${what}: ${reason}`, decision.policies);
}
