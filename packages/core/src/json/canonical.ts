import { createHash } from 'node:crypto';

/**
 * Serializes a JSON value by the JSON Canonicalization Scheme, so that equal
 * values always give equal bytes (signatures, digests, pins): object members
 * sorted by UTF-16 code units, no whitespace, ECMAScript number and string forms.
 * @see https://www.rfc-editor.org/rfc/rfc8785
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('non-finite numbers cannot be canonicalized');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  }
  if (typeof value === 'object') {
    const maybeJson = value as { toJSON?: () => unknown };
    if (typeof maybeJson.toJSON === 'function') return canonicalJson(maybeJson.toJSON());
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, member]) => member !== undefined && typeof member !== 'function')
      // Default sort compares UTF-16 code units, as RFC 8785 §3.2.3 requires.
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`).join(',')}}`;
  }
  throw new TypeError(`${typeof value} cannot be canonicalized as JSON`);
}

/** Lowercase hex SHA-256 of a string or bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** SHA-256 over the RFC 8785 canonical form of a JSON value. */
export function canonicalDigest(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}
