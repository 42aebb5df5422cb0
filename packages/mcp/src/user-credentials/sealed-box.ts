import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** A value sealed by {@link seal}: the nonce and the ciphertext with its tag, base64. */
export interface SealedValue {
  readonly iv: string;
  readonly ciphertext: string;
}

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Encrypts `plaintext` with AES-256-GCM under a fresh random 96-bit nonce,
 * authenticating `aad` with it: the value opens only with the same `aad`.
 * @see https://nvlpubs.nist.gov/nistpubs/Legacy/SP/nistspecialpublication800-38d.pdf
 */
export function seal(key: Uint8Array, plaintext: string, aad: Uint8Array): SealedValue {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return { iv: iv.toString('base64'), ciphertext: body.toString('base64') };
}

/** Decrypts a {@link seal}ed value; throws if the key, the `aad` or any byte differs. */
export function open(key: Uint8Array, sealed: SealedValue, aad: Uint8Array): string {
  const iv = Buffer.from(sealed.iv, 'base64');
  const body = Buffer.from(sealed.ciphertext, 'base64');
  if (iv.length !== IV_BYTES || body.length < TAG_BYTES) throw new Error('malformed sealed value');
  const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
  return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
}
