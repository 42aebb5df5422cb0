import { createPrivateKey, createPublicKey, generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { Clock } from '@parley/core';
import type { Store } from '@parley/store';
import { calculateJwkThumbprint, type JWK } from 'jose';

/**
 * RS256: RSA verification is several times faster than ECDSA or Ed25519 in
 * OpenSSL (≈48k vs ≈11k per second on one core here), and verification is the
 * hot path; signing happens once per token.
 */
export const SIGNING_ALG = 'RS256';

/** One signing key, with its public half ready for verification. */
export interface SigningKey {
  readonly kid: string;
  readonly privateJwk: JWK;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly publicJwk: JWK;
  readonly createdAt: number;
  readonly retiredAt: number | null;
}

/**
 * The issuer's signing keys, persisted in the store: the newest active one
 * signs; retired ones stay in the JWKS, still verifying, for `retention` ms.
 * @see https://www.rfc-editor.org/rfc/rfc7517
 */
export class SigningKeyRing {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #retention: number;
  #keys: SigningKey[] = [];
  #byKid = new Map<string, SigningKey>();

  constructor(store: Store, clock: Clock, retentionMs: number) {
    this.#store = store;
    this.#clock = clock;
    this.#retention = retentionMs;
  }

  /** Loads the keys, generating the first one when the store has none. */
  async load(): Promise<void> {
    await this.reload();
    if (this.#keys.length === 0) {
      await this.#insert(await generateSigningKey(this.#clock.now()));
      await this.reload();
    }
  }

  /** Re-reads the keys (after a rotation here or on another replica). */
  async reload(): Promise<void> {
    const rows = await this.#store.db.selectFrom('identity_signing_keys').selectAll().execute();
    const horizon = this.#clock.now() - this.#retention;
    const keys = rows
      .filter((row) => row.retired_at === null || Number(row.retired_at) > horizon)
      .map((row) => toSigningKey(JSON.parse(row.private_jwk) as JWK, Number(row.created_at), row.retired_at));
    // Active keys first (newest first), then retired ones (most recently retired first).
    keys.sort((a, b) => {
      if ((a.retiredAt === null) !== (b.retiredAt === null)) return a.retiredAt === null ? -1 : 1;
      return (b.retiredAt ?? b.createdAt) - (a.retiredAt ?? a.createdAt);
    });
    this.#keys = keys;
    this.#byKid = new Map(keys.map((key) => [key.kid, key]));
  }

  /** Generates a new signing key and retires the previous ones; returns the new kid. */
  async rotate(): Promise<{ kid: string; retired: string[] }> {
    const now = this.#clock.now();
    const next = await generateSigningKey(now);
    const retired = this.#keys.filter((key) => key.retiredAt === null).map((key) => key.kid);
    await this.#store.db.transaction().execute(async (trx) => {
      if (retired.length > 0) {
        await trx
          .updateTable('identity_signing_keys')
          .set({ retired_at: now })
          .where('kid', 'in', retired)
          .where('retired_at', 'is', null)
          .execute();
      }
      await trx
        .insertInto('identity_signing_keys')
        .values({
          kid: next.kid,
          alg: SIGNING_ALG,
          private_jwk: JSON.stringify(next.privateJwk),
          created_at: now,
          retired_at: null,
        })
        .execute();
    });
    await this.reload();
    return { kid: next.kid, retired };
  }

  /** The key that signs new tokens. */
  get current(): SigningKey {
    const key = this.#keys[0];
    if (!key) throw new Error('signing keys not loaded');
    return key;
  }

  /** A verification key by `kid`, or undefined (unknown or expired key). */
  publicKey(kid: string): KeyObject | undefined {
    return this.#byKid.get(kid)?.publicKey;
  }

  get keys(): readonly SigningKey[] {
    return this.#keys;
  }

  /** Private JWKs for oidc-provider, the signing key first. */
  privateJwks(): JWK[] {
    return this.#keys.map((key) => ({ ...key.privateJwk }));
  }

  async #insert(key: SigningKey): Promise<void> {
    await this.#store.db
      .insertInto('identity_signing_keys')
      .values({
        kid: key.kid,
        alg: SIGNING_ALG,
        private_jwk: JSON.stringify(key.privateJwk),
        created_at: key.createdAt,
        retired_at: null,
      })
      .onConflict((oc) => oc.column('kid').doNothing())
      .execute();
  }
}

async function generateSigningKey(now: number): Promise<SigningKey> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' }) as JWK;
  const kid = await calculateJwkThumbprint({ kty: jwk.kty ?? 'RSA', n: jwk.n ?? '', e: jwk.e ?? '' });
  return toSigningKey({ ...jwk, kid, alg: SIGNING_ALG, use: 'sig' }, now, null);
}

function toSigningKey(privateJwk: JWK, createdAt: number, retiredAt: number | null): SigningKey {
  const privateKey = createPrivateKey({ key: privateJwk as JsonWebKey, format: 'jwk' });
  const publicKey = createPublicKey(privateKey);
  const { kty, n, e, kid, alg, use } = privateJwk;
  return {
    kid: kid ?? '',
    privateJwk,
    privateKey,
    publicKey,
    publicJwk: { kty, n, e, kid, alg, use } as JWK,
    createdAt,
    retiredAt: retiredAt === null ? null : Number(retiredAt),
  };
}
