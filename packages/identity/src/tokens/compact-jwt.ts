import { type KeyObject, randomUUID, sign, verify } from 'node:crypto';

/** A JWS header as Parley reads it. */
export interface JwsHeader {
  readonly alg?: unknown;
  readonly kid?: unknown;
  readonly typ?: unknown;
}

/** A compact JWS split into its parts, header decoded, payload still encoded. */
export interface CompactJwt {
  readonly header: JwsHeader;
  readonly encodedHeader: string;
  readonly encodedPayload: string;
  readonly signature: Buffer;
}

// Few distinct headers exist (one per key); decoding each once saves a JSON.parse per request.
const headerCache = new Map<string, JwsHeader>();

/** Splits a compact JWS; undefined when it is not one. */
export function splitCompactJwt(token: string): CompactJwt | undefined {
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  if (first <= 0 || second <= first + 1 || token.indexOf('.', second + 1) !== -1) return undefined;
  const encodedHeader = token.slice(0, first);
  let header = headerCache.get(encodedHeader);
  if (!header) {
    try {
      const parsed: unknown = JSON.parse(Buffer.from(encodedHeader, 'base64url').toString('utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
      header = parsed as JwsHeader;
    } catch {
      return undefined;
    }
    if (headerCache.size > 256) headerCache.clear();
    headerCache.set(encodedHeader, header);
  }
  return {
    header,
    encodedHeader,
    encodedPayload: token.slice(first + 1, second),
    signature: Buffer.from(token.slice(second + 1), 'base64url'),
  };
}

/** Verifies an RS256 signature over `header.payload` with node's synchronous verifier. */
export function verifyRs256(jwt: CompactJwt, key: KeyObject): boolean {
  return verify('sha256', Buffer.from(`${jwt.encodedHeader}.${jwt.encodedPayload}`), key, jwt.signature);
}

/** Decodes the payload as a JSON object; undefined when it is not one. */
export function decodePayload(jwt: CompactJwt): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(jwt.encodedPayload, 'base64url').toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Signs claims as an RS256 compact JWS (`typ: at+jwt` for access tokens). */
export function signRs256(
  claims: Record<string, unknown>,
  key: { kid: string; privateKey: KeyObject },
  typ = 'at+jwt',
): string {
  const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ, kid: key.kid })).toString('base64url');
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), key.privateKey).toString('base64url');
  return `${header}.${payload}.${signature}`;
}

/** A fresh token identifier. */
export function newJti(): string {
  return randomUUID();
}
