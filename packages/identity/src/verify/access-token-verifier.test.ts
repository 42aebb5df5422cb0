import { ManualClock } from '@parley/core';
import { type Store, testStoreBackends } from '@parley/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SigningKeyRing } from '../keys/signing-keys.ts';
import { signRs256 } from '../tokens/compact-jwt.ts';
import { AccessTokenVerifier } from './access-token-verifier.ts';

const ISSUER = 'http://127.0.0.1:4000';
const MCP = `${ISSUER}/mcp`;

// Each case presents a token once to have its signature remembered, then again: the checks must hold both times.
describe('AccessTokenVerifier remembers verified signatures, never the checks that can change', () => {
  const [sqlite] = testStoreBackends();
  let store: Store;
  let dispose: () => Promise<void>;
  const clock = new ManualClock(Date.UTC(2026, 10, 24, 12));
  let ring: SigningKeyRing;
  let verifier: AccessTokenVerifier;

  beforeAll(async () => {
    if (!sqlite) throw new Error('no sqlite backend');
    ({ store, dispose } = await sqlite.open());
    ring = new SigningKeyRing(store, clock, 3_600_000);
    await ring.load();
    verifier = new AccessTokenVerifier({ issuer: ISSUER, keys: ring, clock });
  });
  afterAll(async () => {
    await dispose?.();
  });

  const mint = (claims: Record<string, unknown> = {}) =>
    signRs256(
      {
        iss: ISSUER,
        sub: 'alice',
        aud: MCP,
        exp: Math.floor(clock.now() / 1000) + 300,
        jti: crypto.randomUUID(),
        scope: 'mcp',
        ...claims,
      },
      ring.current,
    );
  const refusal = (token: string, audience = MCP) =>
    verifier.verify(token, audience).then(
      () => 'accepted',
      (error: { code?: string }) => error.code,
    );

  it('accepts a token again and again, and refuses a copy with one signature byte changed', async () => {
    const token = mint();
    expect((await verifier.verify(token, MCP)).subject).toBe('alice');
    expect((await verifier.verify(token, MCP)).scopes).toEqual(['mcp']);
    const signature = token.slice(token.lastIndexOf('.') + 1);
    const flipped = `${token.slice(0, token.lastIndexOf('.') + 1)}${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
    expect(await refusal(flipped)).toBe('ERR_AUTH_BAD_SIGNATURE');
    const [header, , sig] = token.split('.');
    const otherClaims = Buffer.from(JSON.stringify({ iss: ISSUER, sub: 'mallory', aud: MCP, exp: 9e9 })).toString(
      'base64url',
    );
    expect(await refusal(`${header}.${otherClaims}.${sig}`)).toBe('ERR_AUTH_BAD_SIGNATURE');
  });

  it('refuses a remembered token once it has expired', async () => {
    const token = mint({ exp: Math.floor(clock.now() / 1000) + 60 });
    expect(await refusal(token)).toBe('accepted');
    clock.advance(61_000);
    expect(await refusal(token)).toBe('ERR_AUTH_TOKEN_EXPIRED');
    expect(await refusal(token)).toBe('ERR_AUTH_TOKEN_EXPIRED');
  });

  it('refuses a remembered token presented to another audience', async () => {
    const token = mint();
    expect(await refusal(token)).toBe('accepted');
    expect(await refusal(token, `${ISSUER}/a2a/scheduler`)).toBe('ERR_AUTH_WRONG_AUDIENCE');
    expect(await refusal(token)).toBe('accepted');
  });

  it('refuses a remembered token once its signing key has left the ring', async () => {
    const token = mint();
    expect(await refusal(token)).toBe('accepted');
    await ring.rotate();
    expect(await refusal(token)).toBe('accepted');
    clock.advance(3_600_001);
    await ring.reload();
    expect(await refusal(token)).toBe('ERR_AUTH_UNKNOWN_KEY');
  });

  it('refuses the same tampered and wrong-key cases with the cache off', async () => {
    const uncached = new AccessTokenVerifier({ issuer: ISSUER, keys: ring, clock, verifiedCacheSize: 0 });
    const token = mint();
    expect((await uncached.verify(token, MCP)).subject).toBe('alice');
    expect((await uncached.verify(token, MCP)).subject).toBe('alice');
    await expect(uncached.verify(`${token.slice(0, -2)}AA`, MCP)).rejects.toMatchObject({
      code: 'ERR_AUTH_BAD_SIGNATURE',
    });
  });
});
