import { AuthenticationError, ForbiddenError, InsufficientScopeError, isParleyError } from '@parley/core';
import { A2AError } from '../wire/errors.ts';

/**
 * Anything thrown while serving A2A becomes an A2AError with a public
 * message; unexpected errors become InternalError and their detail is for
 * the log only.
 */
export function toA2AError(error: unknown): A2AError {
  if (error instanceof A2AError) return error;
  if (error instanceof AuthenticationError) {
    return new A2AError('UnauthenticatedError', error.publicMessage, { challenge: error.challenge });
  }
  if (error instanceof InsufficientScopeError) {
    return new A2AError('PermissionDeniedError', error.publicMessage, { challenge: error.challenge });
  }
  if (error instanceof ForbiddenError) return new A2AError('PermissionDeniedError', error.publicMessage);
  if (isParleyError(error) && error.status === 404) return new A2AError('TaskNotFoundError', error.publicMessage);
  if (isParleyError(error) && error.status < 500) return new A2AError('InvalidParamsError', error.publicMessage);
  if (isParleyError(error) && error.code.startsWith('ERR_OUTBOUND')) {
    return new A2AError('InvalidAgentResponseError', error.publicMessage);
  }
  return new A2AError('InternalError', 'internal error', { cause: error });
}
