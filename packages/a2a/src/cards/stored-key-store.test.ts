import { ManualClock, silentLogger } from '@parley/core';
import { testStoreBackends } from '@parley/store';
import { createLocalJWKSet, exportJWK, generateKeyPair, importJWK, type JWK, jwtVerify, SignJWT } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PUSH_KEY } from './key-store.ts';
import { type AgentKeyIdentity, StoredAgentKeyStore } from './stored-key-store.ts';

/** Identity with one private_key_jwt agent, `scheduler`, whose registered key `renewKey` replaces. */
class FakeIdentity implements AgentKeyIdentity {
  registered: JWK[] = [];
  renewals = 0;
  known: JWK | undefined;

  async registeredKeys(name: string): Promise<JWK[] | undefined> {
    return name === 'scheduler' && this.registered.length > 0 ? this.registered : undefined;
  }

  knownPrivateKey(name: string): JWK | undefined {
    return name === 'scheduler' ? this.known : undefined;
  }

  async renewKey(): Promise<JWK> {
    this.renewals++;
    const { privateJwk, publicJwk } = await keyPair(`renewed-${this.renewals}`);
    this.registered = [publicJwk];
    return privateJwk;
  }
}

async function keyPair(kid: string): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return {
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'ES256' },
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' },
  };
}

describe.each(testStoreBackends())('StoredAgentKeyStore on $name', (backend) => {
  let open: Awaited<ReturnType<typeof backend.open>>;
  let identity: FakeIdentity;
  const keyStore = () =>
    new StoredAgentKeyStore({ store: open.store, clock: new ManualClock(0), logger: silentLogger(), identity });

  beforeEach(async () => {
    open = await backend.open();
    identity = new FakeIdentity();
    identity.registered = [(await keyPair('original')).publicJwk];
  });
  afterEach(async () => {
    await open.dispose();
  });

  it('renews an agent key once through identity and keeps using it after a restart', async () => {
    const first = await keyStore().signingKey('scheduler');
    expect(identity.renewals).toBe(1);
    expect(identity.registered.map((key) => key.kid)).toEqual([first.kid]);
    const again = await keyStore().signingKey('scheduler');
    expect(again).toEqual(first);
    expect(identity.renewals).toBe(1);
  });

  it('adopts a private key already held for the registered key instead of renewing it', async () => {
    const pair = await keyPair('from-dev-credentials');
    identity.registered = [pair.publicJwk];
    identity.known = pair.privateJwk;
    expect((await keyStore().signingKey('scheduler')).kid).toBe('from-dev-credentials');
    expect(identity.renewals).toBe(0);
    // The seed renewed the key (its file was lost): the stored key follows the new file key.
    const next = await keyPair('re-seeded');
    identity.registered = [next.publicJwk];
    identity.known = next.privateJwk;
    expect((await keyStore().signingKey('scheduler')).kid).toBe('re-seeded');
  });

  it('keeps generated keys: push JWTs signed before a restart verify against the JWKS after it', async () => {
    const before = await keyStore().signingKey(PUSH_KEY);
    const jwt = await new SignJWT({ taskId: 't1' })
      .setProtectedHeader({ alg: 'ES256', kid: before.kid })
      .sign(await importJWK(before.privateJwk, 'ES256'));
    const jwks = await keyStore().publicKeys(PUSH_KEY);
    expect(jwks.every((key) => key.d === undefined)).toBe(true);
    const { payload } = await jwtVerify(jwt, createLocalJWKSet({ keys: jwks }));
    expect(payload.taskId).toBe('t1');
    expect(identity.renewals).toBe(0);
  });
});
