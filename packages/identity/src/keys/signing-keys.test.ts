import { ManualClock } from '@parley/core';
import { type Store, testStoreBackends } from '@parley/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePayload, signRs256, splitCompactJwt, verifyRs256 } from '../tokens/compact-jwt.ts';
import { SigningKeyRing } from './signing-keys.ts';

describe.each(testStoreBackends())('SigningKeyRing on $name', (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  const clock = new ManualClock(Date.UTC(2026, 0, 1));

  beforeAll(async () => {
    ({ store, dispose } = await backend.open());
  });
  afterAll(async () => {
    await dispose?.();
  });

  it('generates a key on first start and finds the same one after a restart', async () => {
    const first = new SigningKeyRing(store, clock, 3_600_000);
    await first.load();
    const again = new SigningKeyRing(store, clock, 3_600_000);
    await again.load();
    expect(again.current.kid).toBe(first.current.kid);
    expect(first.privateJwks()).toHaveLength(1);
  });

  it('rotates: the new key signs, the old one verifies until its retention ends', async () => {
    const ring = new SigningKeyRing(store, clock, 3_600_000);
    await ring.load();
    const oldKey = ring.current;
    const token = signRs256({ sub: 'x' }, oldKey);
    const { kid } = await ring.rotate();
    expect(ring.current.kid).toBe(kid);
    const jwt = splitCompactJwt(token);
    if (!jwt) throw new Error('not a JWT');
    const stillKnown = ring.publicKey(oldKey.kid);
    expect(stillKnown && verifyRs256(jwt, stillKnown)).toBe(true);
    expect(decodePayload(jwt)).toEqual({ sub: 'x' });
    clock.advance(3_600_001);
    await ring.reload();
    expect(ring.publicKey(oldKey.kid)).toBeUndefined();
    expect(ring.publicKey(kid)).toBeDefined();
  });
});
