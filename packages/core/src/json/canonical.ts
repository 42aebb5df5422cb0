import { createHash } from 'node:crypto';

/**
 * Serializes a JSON value by the JSON Canonicalization Scheme, so that equal
 * values always give equal bytes (signatures, digests, pins): object members
 * sorted by UTF-16 code units, no whitespace, ECMAScript number and string forms.
 * @see https://www.rfc-editor.org/rfc/rfc8785
 */
export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('non-finite numbers cannot be canonicalized');
      return JSON.stringify(value);
    case 'object':
      if (value === null) return 'null';
      if (Array.isArray(value)) return canonicalArray(value);
      if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
        return canonicalJson((value as { toJSON: () => unknown }).toJSON());
      }
      return canonicalObject(value as Record<string, unknown>);
  }
  throw new TypeError(`${typeof value} cannot be canonicalized as JSON`);
}

// Hashing audit entries and call arguments runs this on every call: one pass, one string, no intermediate arrays.
function canonicalArray(items: readonly unknown[]): string {
  let out = '[';
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += ',';
    const item = items[i];
    out += item === undefined ? 'null' : canonicalJson(item);
  }
  return `${out}]`;
}

function canonicalObject(members: Record<string, unknown>): string {
  // The default sort compares UTF-16 code units, as RFC 8785 §3.2.3 requires.
  const keys = Object.keys(members).sort();
  let out = '{';
  for (const key of keys) {
    const member = members[key];
    if (member === undefined || typeof member === 'function') continue;
    if (out.length > 1) out += ',';
    out += `${JSON.stringify(key)}:${canonicalJson(member)}`;
  }
  return `${out}}`;
}

/** Lowercase hex SHA-256 of a string or bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** SHA-256 over the RFC 8785 canonical form of a JSON value. */
export function canonicalDigest(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}
