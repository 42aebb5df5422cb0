import type { Clock, Logger } from '@parley/core';
import type { Store } from '@parley/store';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type { AgentKeyStore, SigningKey } from './key-store.ts';

/**
 * The identity side of agent keys: an agent principal authenticating by
 * private_key_jwt signs its card with the key its OAuth client is registered
 * with, so the card's `kid` names the agent's own key.
 */
export interface AgentKeyIdentity {
  /** The public keys registered for `name`'s OAuth client; undefined unless it is a private_key_jwt agent. */
  registeredKeys(name: string): Promise<JWK[] | undefined>;
  /** A private key already held for one of those registered keys (the dev credentials file), if any. */
  knownPrivateKey?(name: string): JWK | undefined;
  /** Replaces the agent's registered key pair; returns the new private JWK. */
  renewKey(name: string): Promise<JWK>;
}

type KeySource = 'identity' | 'generated';

/**
 * An AgentKeyStore over the Parley store (`a2a_agent_keys`): each name's
 * private key is kept, so card signatures, `kid`s and the push JWKS survive
 * restarts. On first use, an agent principal with private_key_jwt adopts a
 * private key already held for its registered key, else renews its key
 * through identity (the new public half is registered); any other name
 * (`parley-proxy`, `parley-push`, agents without such a client) gets a
 * generated ES256 key.
 */
export class StoredAgentKeyStore implements AgentKeyStore {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #identity: AgentKeyIdentity | undefined;
  readonly #keys = new Map<string, Promise<SigningKey>>();

  constructor(options: { store: Store; clock: Clock; logger: Logger; identity?: AgentKeyIdentity | undefined }) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#identity = options.identity;
  }

  signingKey(name: string): Promise<SigningKey> {
    let key = this.#keys.get(name);
    if (!key) {
      key = this.#load(name);
      this.#keys.set(name, key);
      key.catch(() => this.#keys.delete(name));
    }
    return key;
  }

  async publicKeys(name: string): Promise<JWK[]> {
    return [publicJwkOf((await this.signingKey(name)).privateJwk)];
  }

  async #load(name: string): Promise<SigningKey> {
    const row = await this.#store.db
      .selectFrom('a2a_agent_keys')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    const registered = await this.#identity?.registeredKeys(name);
    if (row) {
      const stored = toSigningKey(JSON.parse(row.private_jwk) as JWK);
      if (!registered || registered.some((key) => key.kid === stored.kid)) return stored;
      // The OAuth key changed since (an administrator renewed it, or the dev seed did).
      const known = this.#known(name, registered);
      if (known) return this.#save(name, known, 'identity', true);
      this.#logger.warn(
        { agent: name, kid: stored.kid },
        "agent's registered key changed and its private half is not held here; its card keeps its stored key",
      );
      return stored;
    }
    if (!registered) return this.#save(name, await generatePrivateJwk(name), 'generated', false);
    const known = this.#known(name, registered);
    if (known) return this.#save(name, known, 'identity', false);
    const renewed = await (this.#identity as AgentKeyIdentity).renewKey(name);
    this.#logger.info({ agent: name, kid: renewed.kid }, "agent's key renewed: its card and its OAuth client share it");
    return this.#save(name, renewed, 'identity', false);
  }

  #known(name: string, registered: readonly JWK[]): JWK | undefined {
    const known = this.#identity?.knownPrivateKey?.(name);
    return known && registered.some((key) => key.kid === known.kid && key.x === known.x) ? known : undefined;
  }

  /** Stores the key; when another replica stored one first, that one wins. */
  async #save(name: string, privateJwk: JWK, source: KeySource, replace: boolean): Promise<SigningKey> {
    const key = toSigningKey(privateJwk);
    const now = this.#clock.now();
    const values = {
      name,
      kid: key.kid,
      private_jwk: JSON.stringify(key.privateJwk),
      source,
      created_at: now,
      updated_at: now,
    };
    const insert = this.#store.db.insertInto('a2a_agent_keys').values(values);
    await (replace
      ? insert.onConflict((oc) => oc.column('name').doUpdateSet({ ...values, created_at: undefined }))
      : insert.onConflict((oc) => oc.column('name').doNothing())
    ).execute();
    const row = await this.#store.db
      .selectFrom('a2a_agent_keys')
      .select('private_jwk')
      .where('name', '=', name)
      .executeTakeFirstOrThrow();
    return toSigningKey(JSON.parse(row.private_jwk) as JWK);
  }
}

function toSigningKey(privateJwk: JWK): SigningKey {
  const alg = privateJwk.alg ?? 'ES256';
  const kid = privateJwk.kid ?? '';
  return { privateJwk: { ...privateJwk, alg, kid }, kid, alg };
}

/** The public half of an EC or OKP private JWK. */
function publicJwkOf(privateJwk: JWK): JWK {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, key_ops: _ops, ...rest } = privateJwk;
  return { ...rest, use: 'sig' };
}

async function generatePrivateJwk(name: string): Promise<JWK> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid: `${name}-${crypto.randomUUID().slice(0, 8)}`, alg: 'ES256' };
}
