import { describe, expect, it } from 'vitest';
import { codeChallengeS256, randomUnreserved } from './pkce.ts';

describe('PKCE', () => {
  it('computes the S256 challenge of RFC 7636 appendix B', async () => {
    expect(await codeChallengeS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('draws verifiers of the requested length from the unreserved alphabet only', () => {
    const verifier = randomUnreserved(128);
    expect(verifier).toHaveLength(128);
    expect(verifier).toMatch(/^[A-Za-z0-9\-._~]+$/);
    expect(randomUnreserved()).not.toBe(randomUnreserved());
  });

  it('refuses lengths RFC 7636 does not allow', () => {
    expect(() => randomUnreserved(42)).toThrow(RangeError);
    expect(() => randomUnreserved(129)).toThrow(RangeError);
  });
});
