import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { open, seal } from './sealed-box.ts';

const key = randomBytes(32);
const aad = (server: string, user: string) => Buffer.from(JSON.stringify([server, user]));

describe('sealed box (AES-256-GCM)', () => {
  it('opens what it sealed, with a fresh 96-bit nonce each time', () => {
    const a = seal(key, 'ghp_secret', aad('github', 'alice'));
    const b = seal(key, 'ghp_secret', aad('github', 'alice'));
    expect(Buffer.from(a.iv, 'base64')).toHaveLength(12);
    expect(a.iv).not.toBe(b.iv);
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(Buffer.from(a.ciphertext, 'base64').toString('utf8')).not.toContain('ghp_secret');
    expect(open(key, a, aad('github', 'alice'))).toBe('ghp_secret');
  });

  it('refuses another row, another key and a flipped bit', () => {
    const sealed = seal(key, 'ghp_secret', aad('github', 'alice'));
    expect(() => open(key, sealed, aad('github', 'bob'))).toThrow();
    expect(() => open(key, sealed, aad('gitlab', 'alice'))).toThrow();
    expect(() => open(randomBytes(32), sealed, aad('github', 'alice'))).toThrow();
    const body = Buffer.from(sealed.ciphertext, 'base64');
    body[0] = (body[0] ?? 0) ^ 1;
    expect(() => open(key, { ...sealed, ciphertext: body.toString('base64') }, aad('github', 'alice'))).toThrow();
    expect(() => open(key, { iv: sealed.iv, ciphertext: '' }, aad('github', 'alice'))).toThrow(/malformed/);
  });
});
