import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let used = 0;

/** `bytes` random bytes (at most 4096) as lowercase hex, from a pool the CSPRNG fills a page at a time. */
export function randomHex(bytes: number): string {
  if (used + bytes > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(POOL_BYTES));
    used = 0;
  }
  const hex = pool.toString('hex', used, used + bytes);
  used += bytes;
  return hex;
}

/** The current Unix time in milliseconds as 12 hex digits (48 bits). */
export function millisHex(now = Date.now()): string {
  return Math.trunc(now).toString(16).padStart(12, '0').slice(-12);
}

/**
 * A version 7 UUID: 48 bits of Unix milliseconds, then 74 random bits. Ids made
 * later sort later, so a B-tree index on them grows at its end instead of
 * rewriting a page anywhere in it for every insert (as random v4 ids do).
 * @see https://www.rfc-editor.org/rfc/rfc9562#name-uuid-version-7
 */
export function uuidv7(now = Date.now()): string {
  const random = randomHex(10);
  const time = millisHex(now);
  // The variant's two bits (10) go over the top of the first random byte after the version's nibble.
  const variant = ((Number.parseInt(random.slice(3, 5), 16) & 0x3f) | 0x80).toString(16);
  return `${time.slice(0, 8)}-${time.slice(8)}-7${random.slice(0, 3)}-${variant}${random.slice(5, 7)}-${random.slice(7, 19)}`;
}
