/** RFC 7636 unreserved characters, the alphabet a code verifier is drawn from. */
const UNRESERVED = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~';

/** Bytes as unpadded base64url. */
export function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * A random string of `length` unreserved characters (43..128 for a verifier).
 * Rejection sampling keeps every character equally likely.
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.1
 */
export function randomUnreserved(length = 64): string {
  if (length < 43 || length > 128) throw new RangeError('a PKCE code verifier is 43 to 128 characters');
  let out = '';
  while (out.length < length) {
    for (const byte of crypto.getRandomValues(new Uint8Array(length))) {
      // 256 - 256 % 66 = 198: bytes at or above it would bias the first characters.
      if (byte < 198 && out.length < length) out += UNRESERVED[byte % UNRESERVED.length];
    }
  }
  return out;
}

/**
 * The S256 code challenge of a verifier: BASE64URL(SHA256(ASCII(verifier))).
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.2
 */
export async function codeChallengeS256(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}
