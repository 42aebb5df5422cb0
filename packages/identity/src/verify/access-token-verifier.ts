import type { Clock } from '@parley/core';
import { TokenRejectedError } from '../errors.ts';
import type { TrustedIssuers } from '../external/trusted-issuers.ts';
import type { SigningKeyRing } from '../keys/signing-keys.ts';
import { GRANT_CLAIM, parseAct, splitScope, type VerifiedToken } from '../tokens/claims.ts';
import { decodePayload, splitCompactJwt, verifyRs256 } from '../tokens/compact-jwt.ts';

export interface AccessTokenVerifierOptions {
  issuer: string;
  keys: SigningKeyRing;
  clock: Clock;
  trustedIssuers?: TrustedIssuers;
  /** Own tokens whose signature is remembered as verified (default 10 000; 0 verifies every time). */
  verifiedCacheSize?: number;
}

/** An own token whose signature verified: its key and decoded claims. */
interface Verified {
  readonly kid: string;
  readonly payload: Record<string, unknown>;
}

/**
 * Verifies a JWT access token: Parley's own (RS256, kid from the cached key
 * ring, no store read) or a trusted external issuer's. Audience is checked
 * when `audience` is given (RFC 8707 binding); revocation and principals are
 * the caller's concern.
 *
 * A bearer presents the same token on every call until it expires, so the
 * signature check of an own token is remembered by the exact token text (as
 * Envoy's jwt_authn caches verified JWTs): a changed byte is another text and
 * is verified in full. Everything that can change between calls is checked
 * every time: expiry, audience, and that the signing key is still in the ring.
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-4
 */
export class AccessTokenVerifier {
  readonly #options: AccessTokenVerifierOptions;
  readonly #verified = new Map<string, Verified>();
  readonly #cacheSize: number;

  constructor(options: AccessTokenVerifierOptions) {
    this.#options = options;
    this.#cacheSize = options.verifiedCacheSize ?? 10_000;
  }

  async verify(token: string, audience?: string): Promise<VerifiedToken> {
    const known = this.#verified.get(token);
    if (known) {
      if (this.#options.keys.publicKey(known.kid)) return this.#accept(token, known.payload, audience);
      this.#verified.delete(token);
      throw new TokenRejectedError('ERR_AUTH_UNKNOWN_KEY', 'the access token is signed with an unknown key');
    }
    const jwt = splitCompactJwt(token);
    if (!jwt) throw new TokenRejectedError('ERR_AUTH_MALFORMED_TOKEN', 'the access token is not a JWT');
    const payload = decodePayload(jwt);
    if (!payload) throw new TokenRejectedError('ERR_AUTH_MALFORMED_TOKEN', 'the access token payload is not JSON');
    const { issuer, keys, trustedIssuers } = this.#options;
    if (payload.iss !== issuer) {
      if (typeof payload.iss === 'string' && trustedIssuers?.has(payload.iss)) {
        return trustedIssuers.verify(token, payload.iss, audience);
      }
      throw new TokenRejectedError('ERR_AUTH_WRONG_ISSUER', 'the access token was not issued by a trusted issuer');
    }
    if (jwt.header.alg !== 'RS256') {
      throw new TokenRejectedError('ERR_AUTH_UNSUPPORTED_ALG', 'the access token is not signed with RS256');
    }
    const key = typeof jwt.header.kid === 'string' ? keys.publicKey(jwt.header.kid) : undefined;
    if (!key) throw new TokenRejectedError('ERR_AUTH_UNKNOWN_KEY', 'the access token is signed with an unknown key');
    if (!verifyRs256(jwt, key)) {
      throw new TokenRejectedError('ERR_AUTH_BAD_SIGNATURE', 'the access token signature is invalid');
    }
    const accepted = this.#accept(token, payload, audience);
    this.#remember(token, { kid: jwt.header.kid as string, payload });
    return accepted;
  }

  /** The claims checks of an own token whose signature verified; an expired one is forgotten. */
  #accept(token: string, payload: Record<string, unknown>, audience: string | undefined): VerifiedToken {
    let verified: VerifiedToken;
    try {
      verified = checkClaims(payload, this.#options.clock, audience);
    } catch (error) {
      if (error instanceof TokenRejectedError && error.code === 'ERR_AUTH_TOKEN_EXPIRED') this.#verified.delete(token);
      throw error;
    }
    const grantId = payload[GRANT_CLAIM];
    return typeof grantId === 'string' ? { ...verified, grantId } : verified;
  }

  #remember(token: string, verified: Verified): void {
    if (this.#cacheSize <= 0) return;
    if (this.#verified.size >= this.#cacheSize) {
      // The oldest entry goes (insertion order); tokens that expired go when next presented.
      const oldest = this.#verified.keys().next();
      if (!oldest.done) this.#verified.delete(oldest.value);
    }
    this.#verified.set(token, verified);
  }
}

/** The registered-claim checks shared by own and external tokens. */
export function checkClaims(
  payload: Record<string, unknown>,
  clock: Clock,
  audience: string | undefined,
  externalUsername?: string,
): VerifiedToken {
  const now = clock.now();
  const { exp, nbf, sub, jti, aud } = payload;
  if (typeof exp !== 'number') throw new TokenRejectedError('ERR_AUTH_MALFORMED_TOKEN', 'the access token has no exp');
  if (exp * 1000 <= now) throw new TokenRejectedError('ERR_AUTH_TOKEN_EXPIRED', 'the access token has expired');
  if (typeof nbf === 'number' && nbf * 1000 > now + 30_000) {
    throw new TokenRejectedError('ERR_AUTH_TOKEN_NOT_YET_VALID', 'the access token is not yet valid');
  }
  if (typeof sub !== 'string') throw new TokenRejectedError('ERR_AUTH_MALFORMED_TOKEN', 'the access token has no sub');
  const audiences =
    typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter((a) => typeof a === 'string') : [];
  if (audience !== undefined && !audiences.includes(audience)) {
    throw new TokenRejectedError('ERR_AUTH_WRONG_AUDIENCE', `the access token is not meant for ${audience}`);
  }
  let act: VerifiedToken['act'];
  try {
    act = parseAct(payload.act);
  } catch (error) {
    throw new TokenRejectedError('ERR_AUTH_MALFORMED_TOKEN', 'the access token has a malformed act claim', error);
  }
  const cnf = payload.cnf as { jkt?: unknown } | undefined;
  return {
    issuer: String(payload.iss),
    subject: sub,
    audience: audiences,
    clientId: typeof payload.client_id === 'string' ? payload.client_id : undefined,
    scopes: splitScope(payload.scope),
    jti: typeof jti === 'string' ? jti : `${sub}:${exp}`,
    expiresAt: exp * 1000,
    act,
    jkt: typeof cnf?.jkt === 'string' ? cnf.jkt : undefined,
    ...(externalUsername === undefined ? {} : { externalUsername }),
  };
}
