import { ParleyError } from './parley-error.ts';

/**
 * The request carries no credential, or one that fails verification (expired,
 * wrong audience, tampered, revoked, disabled principal). Rendered as 401 with
 * `challenge` as the `WWW-Authenticate` header.
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 * @see https://www.rfc-editor.org/rfc/rfc9728#section-5.1
 */
export class AuthenticationError extends ParleyError {
  /** The full `WWW-Authenticate` header value. */
  readonly challenge: string;
  /** RFC 6750 error code, absent when no credential was sent at all. */
  readonly oauthError: 'invalid_token' | 'invalid_request' | undefined;
  constructor(
    code: `ERR_AUTH_${string}`,
    message: string,
    options: { challenge: string; oauthError?: 'invalid_token' | 'invalid_request'; cause?: unknown },
  ) {
    super(code, message, { status: 401, publicMessage: message, cause: options.cause });
    this.challenge = options.challenge;
    this.oauthError = options.oauthError;
  }
}

/**
 * The credential is valid but lacks a scope the operation needs; rendered as
 * 403 with an `insufficient_scope` challenge naming the scopes (step-up).
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 */
export class InsufficientScopeError extends ParleyError {
  readonly challenge: string;
  readonly requiredScopes: readonly string[];
  constructor(message: string, options: { challenge: string; requiredScopes: readonly string[] }) {
    super('ERR_AUTH_INSUFFICIENT_SCOPE', message, { status: 403, publicMessage: message });
    this.challenge = options.challenge;
    this.requiredScopes = options.requiredScopes;
  }
}

/** Policy denied the action (deny by default, or a determining `forbid`). */
export class ForbiddenError extends ParleyError {
  readonly policies: readonly string[];
  constructor(message: string, policies: readonly string[] = []) {
    super('ERR_POLICY_DENIED', message, { status: 403, publicMessage: message });
    this.policies = policies;
  }
}

/** Too many requests for this principal; `retryAfterSeconds` goes in `Retry-After`. */
export class RateLimitedError extends ParleyError {
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number) {
    super('ERR_RATE_LIMITED', 'rate limit exceeded', { status: 429 });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
