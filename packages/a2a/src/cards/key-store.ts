import { exportJWK, generateKeyPair, type JWK } from 'jose';

/** A private signing key and the `kid` that names it in JWS headers and the JWKS. */
export interface SigningKey {
  readonly privateJwk: JWK;
  readonly kid: string;
  /** JWS algorithm (default ES256). */
  readonly alg?: string;
}

/**
 * Where agents' signing keys come from (identity gives each agent a key pair
 * for `private_key_jwt`). `agent` is the agent's name; the names `parley-proxy`
 * (cards the proxy serves) and `parley-push` (push-notification JWTs) are
 * Parley's own keys.
 */
export interface AgentKeyStore {
  signingKey(agent: string): Promise<SigningKey>;
  /** The public keys that verify the agent's signatures (current and recent). */
  publicKeys(agent: string): Promise<JWK[]>;
}

export const PROXY_KEY = 'parley-proxy';
export const PUSH_KEY = 'parley-push';

/**
 * An AgentKeyStore that generates an ES256 key pair per name on first use and
 * keeps it in memory: for tests and for a mesh whose identity part does not
 * provide keys. Keys do not survive a restart.
 */
export class GeneratedAgentKeyStore implements AgentKeyStore {
  readonly #keys = new Map<string, Promise<{ signing: SigningKey; publicJwk: JWK }>>();

  signingKey(agent: string): Promise<SigningKey> {
    return this.#pair(agent).then((pair) => pair.signing);
  }

  async publicKeys(agent: string): Promise<JWK[]> {
    return [(await this.#pair(agent)).publicJwk];
  }

  #pair(agent: string): Promise<{ signing: SigningKey; publicJwk: JWK }> {
    let pair = this.#keys.get(agent);
    if (!pair) {
      pair = (async () => {
        const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
        const kid = `${agent}-${crypto.randomUUID().slice(0, 8)}`;
        const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'ES256', use: 'sig' };
        const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
        return { signing: { privateJwk, kid, alg: 'ES256' }, publicJwk };
      })();
      this.#keys.set(agent, pair);
    }
    return pair;
  }
}
