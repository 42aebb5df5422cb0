import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { NotFoundError } from '@parley/core';
import type { JWK } from 'jose';
import { TOKEN_EXCHANGE_GRANT } from '../exchange/token-exchange.ts';
import type { StoreAdapter } from '../store/oidc-adapter.ts';

/** What `createAgent` returns; secrets appear here once and nowhere else. */
export interface CreatedAgent {
  readonly name: string;
  readonly clientId: string;
  readonly authMethod: 'private_key_jwt' | 'client_secret_basic';
  readonly clientSecret: string | null;
  readonly publicJwk: JWK | null;
  readonly privateJwk: JWK | null;
}

export interface CreateAgentInput {
  readonly name: string;
  readonly authMethod?: 'private_key_jwt' | 'client_secret_basic';
  readonly publicJwk?: JWK;
  readonly roles?: readonly string[];
}

const AGENT_GRANTS = ['client_credentials', TOKEN_EXCHANGE_GRANT];

/**
 * Agents' OAuth clients, kept as oidc-provider `Client` records in the store:
 * client_credentials and token exchange, authenticated by private_key_jwt
 * (RFC 7523) or a client secret.
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.2
 */
export class AgentClients {
  readonly #clients: StoreAdapter;

  constructor(clients: StoreAdapter) {
    this.#clients = clients;
  }

  async create(input: CreateAgentInput): Promise<CreatedAgent> {
    const authMethod = input.authMethod ?? 'private_key_jwt';
    let clientSecret: string | null = null;
    let publicJwk: JWK | null = null;
    let privateJwk: JWK | null = null;
    const metadata: Record<string, unknown> = {
      client_id: input.name,
      client_name: input.name,
      grant_types: AGENT_GRANTS,
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: authMethod,
    };
    if (authMethod === 'private_key_jwt') {
      if (input.publicJwk) publicJwk = input.publicJwk;
      else ({ privateJwk, publicJwk } = generateAgentKeyPair());
      metadata.jwks = { keys: [publicJwk] };
    } else {
      clientSecret = randomBytes(32).toString('base64url');
      metadata.client_secret = clientSecret;
    }
    await this.#clients.upsert(input.name, metadata);
    return { name: input.name, clientId: input.name, authMethod, clientSecret, publicJwk, privateJwk };
  }

  async publicJwks(clientId: string): Promise<JWK[]> {
    const client = await this.#clients.find(clientId);
    return ((client?.jwks as { keys?: JWK[] } | undefined)?.keys ?? []).slice();
  }

  async renewKey(clientId: string): Promise<JWK> {
    const client = await this.#clients.find(clientId);
    if (!client) throw new NotFoundError(`agent ${clientId}`);
    const { privateJwk, publicJwk } = generateAgentKeyPair();
    await this.#clients.upsert(clientId, {
      ...client,
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [publicJwk] },
    });
    return privateJwk;
  }
}

/** An ES256 key pair for private_key_jwt. */
function generateAgentKeyPair(): { privateJwk: JWK; publicJwk: JWK } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = randomBytes(8).toString('base64url');
  return {
    privateJwk: { ...(privateKey.export({ format: 'jwk' }) as JWK), kid, alg: 'ES256' },
    publicJwk: { ...(publicKey.export({ format: 'jwk' }) as JWK), kid, alg: 'ES256', use: 'sig' },
  };
}
