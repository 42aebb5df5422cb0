import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Every API key starts with this, so scanners and people recognise it. */
export const API_KEY_PREFIX = 'prl_';

/** A new API key: `prl_<id>_<secret>`; the id is public, the secret is 256 random bits. */
export function generateApiKey(): { id: string; key: string; secretHash: string } {
  const id = randomBytes(9).toString('base64url').replace(/[-_]/g, 'x');
  const secret = randomBytes(32).toString('base64url');
  const key = `${API_KEY_PREFIX}${id}_${secret}`;
  return { id, key, secretHash: hashApiKey(key) };
}

/** SHA-256 of the whole key (fine for 256-bit random secrets; no slow hash needed). */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('base64url');
}

/** The key's id, or undefined when `value` is not shaped like an API key. */
export function apiKeyId(value: string): string | undefined {
  if (!value.startsWith(API_KEY_PREFIX)) return undefined;
  const rest = value.slice(API_KEY_PREFIX.length);
  const cut = rest.indexOf('_');
  if (cut <= 0) return undefined;
  return rest.slice(0, cut);
}

/** Compares a presented key with a stored hash in constant time. */
export function apiKeyMatches(key: string, secretHash: string): boolean {
  const presented = Buffer.from(hashApiKey(key));
  const stored = Buffer.from(secretHash);
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
