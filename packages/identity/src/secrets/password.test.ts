import { describe, expect, it } from 'vitest';
import { generatePassword, hashPassword, verifyPassword } from './password.ts';

describe('passwords', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const password = generatePassword();
    const hash = await hashPassword(password);
    expect(hash.startsWith('scrypt$')).toBe(true);
    expect(hash).not.toContain(password);
    expect(await verifyPassword(password, hash)).toBe(true);
    expect(await verifyPassword(`${password}x`, hash)).toBe(false);
    expect(await verifyPassword(password, 'garbage')).toBe(false);
  });
});
