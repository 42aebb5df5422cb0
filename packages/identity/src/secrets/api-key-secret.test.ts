import { describe, expect, it } from 'vitest';
import { apiKeyId, apiKeyMatches, generateApiKey } from './api-key-secret.ts';

describe('API key secrets', () => {
  it('makes prefixed, unique keys whose id can be read back', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    expect(a.key).toMatch(/^prl_[A-Za-z0-9]+_[A-Za-z0-9_-]{43}$/);
    expect(a.key).not.toBe(b.key);
    expect(apiKeyId(a.key)).toBe(a.id);
    expect(apiKeyId('eyJhbGciOi.x.y')).toBeUndefined();
  });

  it('matches a key only against its own hash', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    expect(apiKeyMatches(a.key, a.secretHash)).toBe(true);
    expect(apiKeyMatches(b.key, a.secretHash)).toBe(false);
    expect(a.secretHash).not.toContain(a.key.slice(-20));
  });
});
