import { ParleyError } from '@parley/core';

/**
 * A presented token or key failed verification. `code` says why
 * (`ERR_AUTH_TOKEN_EXPIRED`, `ERR_AUTH_WRONG_AUDIENCE`, ...); the request
 * verifier renders it as a 401 challenge, token exchange as `invalid_grant`.
 */
export class TokenRejectedError extends ParleyError {
  constructor(code: `ERR_AUTH_${string}`, message: string, cause?: unknown) {
    super(code, message, { status: 401, publicMessage: message, cause });
  }
}

/**
 * A token exchange was refused; `oauthError` is the RFC 8693 / RFC 6749 error
 * code the token endpoint answers with.
 * @see https://www.rfc-editor.org/rfc/rfc8693#section-2.2.2
 */
export class TokenExchangeError extends ParleyError {
  readonly oauthError: 'invalid_grant' | 'invalid_target' | 'invalid_scope' | 'invalid_request';
  constructor(
    oauthError: TokenExchangeError['oauthError'],
    code: `ERR_EXCHANGE_${string}`,
    message: string,
    cause?: unknown,
  ) {
    super(code, message, { status: 400, publicMessage: message, cause });
    this.oauthError = oauthError;
  }
}
