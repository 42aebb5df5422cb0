/** The RFC 8693 `act` claim: the current actor, and before it the previous ones. */
export interface ActClaim {
  readonly sub: string;
  readonly act?: ActClaim;
}

/** A verified access token, reduced to what Parley uses. */
export interface VerifiedToken {
  readonly issuer: string;
  readonly subject: string;
  readonly audience: readonly string[];
  readonly clientId: string | undefined;
  readonly scopes: readonly string[];
  readonly jti: string;
  /** Epoch ms. */
  readonly expiresAt: number;
  readonly act: ActClaim | undefined;
  /** RFC 9449 key binding: the JWK thumbprint the DPoP proof must match. */
  readonly jkt: string | undefined;
  /** Set for tokens of a trusted external issuer: the mapped Parley user name. */
  readonly externalUsername?: string;
  /** Parley's own tokens issued under a user's grant (and tokens exchanged from them): that grant. */
  readonly grantId?: string;
}

/**
 * The private claim naming the authorization grant an access token was issued
 * under, so revoking the grant (refresh-token reuse, RFC 7009 revocation of a
 * refresh token) also ends its JWT access tokens.
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.1
 */
export const GRANT_CLAIM = 'parley_grant';

/** The actor chain of an `act` claim, immediate actor first. */
export function actorChain(act: ActClaim | undefined): string[] {
  const chain: string[] = [];
  for (let current = act; current && chain.length < 32; current = current.act) chain.push(current.sub);
  return chain;
}

/** Builds the nested `act` claim for a chain, immediate actor first. */
export function actClaim(chain: readonly string[]): ActClaim | undefined {
  let act: ActClaim | undefined;
  for (let i = chain.length - 1; i >= 0; i--) {
    const sub = chain[i];
    if (sub !== undefined) act = act ? { sub, act } : { sub };
  }
  return act;
}

/** Reads an `act` claim; undefined when absent, throws on a malformed one. */
export function parseAct(value: unknown, depth = 0): ActClaim | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || depth > 16) throw new Error('malformed act claim');
  const { sub, act } = value as { sub?: unknown; act?: unknown };
  if (typeof sub !== 'string') throw new Error('malformed act claim');
  const inner = parseAct(act, depth + 1);
  return inner ? { sub, act: inner } : { sub };
}

/** Splits a space-delimited `scope` claim. */
export function splitScope(scope: unknown): string[] {
  return typeof scope === 'string' ? scope.split(' ').filter((s) => s.length > 0) : [];
}
