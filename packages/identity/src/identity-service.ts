import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type Caller,
  type Clock,
  ConflictError,
  type EventBus,
  type FetchFunction,
  type Logger,
  NotFoundError,
  type RequestPipeline,
  ValidationError,
} from '@parley/core';
import type { Store } from '@parley/store';
import type { JWK } from 'jose';
import type Provider from 'oidc-provider';
import { TokenRejectedError } from './errors.ts';
import { TokenExchange, type TokenExchangeRequest, type TokenExchangeResult } from './exchange/token-exchange.ts';
import { registerTokenExchangeGrant } from './exchange/token-exchange-grant.ts';
import { type TrustedIssuerConfig, TrustedIssuers } from './external/trusted-issuers.ts';
import { SigningKeyRing } from './keys/signing-keys.ts';
import { AgentClients, type CreateAgentInput, type CreatedAgent } from './principals/agent-clients.ts';
import { type ApiKeyRecord, type Principal, PrincipalDirectory } from './principals/directory.ts';
import { createProvider } from './provider/create-provider.ts';
import { CLI_CLIENT, type FirstPartyClient, firstPartyClientMetadata } from './provider/first-party-clients.ts';
import { createOAuthHttpHandler } from './provider/http-handler.ts';
import { InteractionPages } from './provider/interactions.ts';
import { registerJwtRevocation } from './provider/jwt-revocation.ts';
import { OAUTH_ROUTES } from './provider/routes.ts';
import { type ProtectedResource, ResourceRegistry } from './resources/resource-registry.ts';
import { generatePassword, hashPassword } from './secrets/password.ts';
import { StoreProofReplayCache } from './store/dpop-proof-replay.ts';
import { StoreAdapter } from './store/oidc-adapter.ts';
import { AccessTokenVerifier } from './verify/access-token-verifier.ts';
import { DpopProofVerifier } from './verify/dpop-proof.ts';
import { RequestVerifier } from './verify/request-verifier.ts';

/** The `identity` config section, as the service needs it. */
export interface IdentitySettings {
  readonly accessTokenTtl: number;
  readonly refreshTokenTtl: number;
  readonly maxDelegationDepth: number;
  readonly trustedIssuers: readonly TrustedIssuerConfig[];
}

export interface IdentityServiceOptions {
  /** The issuer identifier: the mesh's base URL, no trailing slash. */
  baseUrl: string;
  store: Store;
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  settings: IdentitySettings;
  /** The guarded fetch (client metadata documents, external JWKS). */
  fetch: FetchFunction;
  trustProxy?: boolean;
  /**
   * Scopes Parley's resources ask for besides `mcp` and `a2a` (the MCP
   * gateway's tool scopes): clients may register with and request them.
   */
  resourceScopes?: readonly string[];
}

/**
 * Parley's identity part: the embedded authorization server, principals,
 * API keys, token exchange and the one request verifier.
 */
export class IdentityService {
  readonly issuer: string;
  readonly resources: ResourceRegistry;
  readonly directory: PrincipalDirectory;
  readonly keys: SigningKeyRing;
  readonly #options: IdentityServiceOptions;
  readonly #verifier: RequestVerifier;
  readonly #tokens: AccessTokenVerifier;
  readonly #exchange: TokenExchange;
  readonly #dpop: DpopProofVerifier;
  readonly #agentClients: AgentClients;
  #provider: Provider | undefined;
  #handler: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined;
  #cookieKeys: string[] = [];
  #sweepTimer: NodeJS.Timeout | undefined;

  private constructor(options: IdentityServiceOptions) {
    const { baseUrl, store, bus, clock, logger, settings } = options;
    this.#options = options;
    this.issuer = baseUrl;
    this.resources = new ResourceRegistry(baseUrl);
    this.directory = new PrincipalDirectory(store, bus, clock);
    const retention = Math.max(settings.accessTokenTtl, 3_600_000) + 300_000;
    this.keys = new SigningKeyRing(store, clock, retention);
    const trusted = new TrustedIssuers(settings.trustedIssuers, options.fetch, clock, logger);
    this.#tokens = new AccessTokenVerifier({ issuer: baseUrl, keys: this.keys, clock, trustedIssuers: trusted });
    this.#dpop = new DpopProofVerifier(clock, new StoreProofReplayCache(store, clock));
    this.#agentClients = new AgentClients(new StoreAdapter('Client', store, clock));
    this.#verifier = new RequestVerifier({
      baseUrl,
      tokens: this.#tokens,
      directory: this.directory,
      dpop: this.#dpop,
      clock,
    });
    this.#exchange = new TokenExchange({
      issuer: baseUrl,
      keys: this.keys,
      tokens: this.#tokens,
      requests: this.#verifier,
      directory: this.directory,
      resources: this.resources,
      clock,
      bus,
      logger,
      accessTokenTtlMs: settings.accessTokenTtl,
      maxDelegationDepth: settings.maxDelegationDepth,
    });
  }

  /** Loads keys, principals and keys into memory and builds the authorization server. */
  static async start(options: IdentityServiceOptions): Promise<IdentityService> {
    const service = new IdentityService(options);
    await service.#start();
    return service;
  }

  async #start(): Promise<void> {
    const { store, logger } = this.#options;
    await this.keys.load();
    await this.directory.start();
    this.directory.onSigningKeysChanged = () => {
      void this.keys
        .reload()
        .then(() => this.#buildProvider())
        .catch((error: unknown) => logger.error({ err: error }, 'reloading signing keys failed'));
    };
    this.#cookieKeys = JSON.parse(
      await store.ensureMeta('identity.cookie-keys', () => JSON.stringify([randomBytes(32).toString('base64url')])),
    ) as string[];
    const csrfSecret = await store.ensureMeta('identity.csrf-secret', () => randomBytes(32).toString('base64url'));
    this.#buildProvider();
    await this.registerFirstPartyClient(CLI_CLIENT);
    const pages = new InteractionPages(() => this.provider, this.directory, csrfSecret);
    this.#handler = createOAuthHttpHandler({
      baseUrl: this.issuer,
      provider: () => this.provider,
      pages,
      resources: this.resources,
    });
    this.#sweepTimer = setInterval(() => {
      void StoreAdapter.sweep(store, this.#options.clock).catch(() => {});
    }, 3_600_000);
    this.#sweepTimer.unref();
  }

  #buildProvider(): void {
    const { store, clock, settings, logger } = this.#options;
    const provider = createProvider({
      issuer: this.issuer,
      store,
      clock,
      keys: this.keys,
      directory: this.directory,
      resources: this.resources,
      cookieKeys: this.#cookieKeys,
      accessTokenTtlMs: settings.accessTokenTtl,
      refreshTokenTtlMs: settings.refreshTokenTtl,
      fetch: this.#options.fetch,
      trustProxy: this.#options.trustProxy ?? false,
      resourceScopes: this.#options.resourceScopes ?? [],
    });
    registerTokenExchangeGrant(provider, this.#exchange, {
      verifier: this.#dpop,
      tokenEndpoint: `${this.issuer}${OAUTH_ROUTES.token}`,
    });
    registerJwtRevocation(provider, (token, clientId) => this.#revokeAccessTokenOf(token, clientId));
    provider.on('grant.revoked', (_ctx, grantId: string) => {
      // Every access token of the grant was issued at most one lifetime ago.
      const until = clock.now() + settings.accessTokenTtl + 60_000;
      void this.directory
        .revokeGrant(grantId, until)
        .catch((error: unknown) => logger.error({ err: error }, 'recording a revoked grant failed'));
    });
    provider.on('server_error', (_ctx, error) => logger.error({ err: error }, 'authorization server error'));
    provider.on('grant.error', (_ctx, error) => logger.debug({ err: error }, 'token request refused'));
    this.#provider = provider;
  }

  /** The oidc-provider instance (rebuilt when the signing keys rotate). */
  get provider(): Provider {
    if (!this.#provider) throw new Error('identity service not started');
    return this.#provider;
  }

  /** Handles an authorization-server request (`/oauth/*`, `/.well-known/...`). */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.#handler) throw new Error('identity service not started');
    return this.#handler(req, res);
  }

  /** The request verifier (RequestPipeline['authenticate']). */
  readonly authenticate: RequestPipeline['authenticate'] = (request, resource) =>
    this.#verifier.authenticate(request, resource);

  /**
   * In-process RFC 8693 exchange: same rules and audit as the HTTP grant. A
   * DPoP-bound subject token needs `possessionProven` (its request was
   * authenticated with its proof) or a proof's `jkt`, as at the token endpoint.
   * @see https://www.rfc-editor.org/rfc/rfc8693#section-2
   */
  exchangeToken(request: TokenExchangeRequest): Promise<TokenExchangeResult> {
    return this.#exchange.exchange(request);
  }

  /** Declares a protected resource (RFC 8707 indicator) tokens may be issued for. */
  registerResource(resource: ProtectedResource): void {
    this.resources.register(resource);
  }

  /** Verifies an access token for `audience` and returns its caller (no scope check). */
  async verifyAccessToken(token: string, audience: string): Promise<Caller> {
    return this.#verifier.callerFor(await this.#tokens.verify(token, audience), token);
  }

  async createUser(input: {
    username: string;
    password?: string;
    roles?: readonly string[];
  }): Promise<{ username: string; password: string; roles: readonly string[] }> {
    assertName(input.username);
    const password = input.password ?? generatePassword();
    const principal = await this.directory.createPrincipal({
      name: input.username,
      kind: 'user',
      roles: input.roles ?? [],
      passwordHash: await hashPassword(password),
    });
    return { username: principal.name, password, roles: principal.roles };
  }

  /** Sets a user's password (a generated one unless given); returns it. */
  async resetPassword(username: string, password: string = generatePassword()): Promise<{ password: string }> {
    const principal = this.directory.principal(username);
    if (principal?.kind !== 'user') throw new NotFoundError(`user ${username}`);
    await this.directory.setPasswordHash(username, await hashPassword(password));
    return { password };
  }

  /** Whether `key` is a live API key of `principal` (not revoked, not expired). */
  isApiKeyValidFor(key: string, principal: string): boolean {
    try {
      return this.#verifier.verifyApiKey(key, undefined).principal.id === principal;
    } catch {
      return false;
    }
  }

  /**
   * Creates an agent: a principal and its OAuth client (client_id = name),
   * authenticating by private_key_jwt with a generated key pair (or
   * `publicJwk` given), or by a client secret.
   */
  async createAgent(input: CreateAgentInput): Promise<CreatedAgent> {
    assertName(input.name);
    if (this.directory.principal(input.name)) throw new ConflictError(`a principal named ${input.name} already exists`);
    const created = await this.#agentClients.create(input);
    await this.directory.createPrincipal({
      name: input.name,
      kind: 'agent',
      roles: input.roles ?? [],
      clientId: input.name,
    });
    return created;
  }

  /** Registers (or re-registers, idempotently) a client Parley itself ships, such as `parley-cli`. */
  async registerFirstPartyClient(client: FirstPartyClient): Promise<void> {
    const { store, clock } = this.#options;
    await new StoreAdapter('Client', store, clock).upsert(client.clientId, firstPartyClientMetadata(client));
  }

  /** The public JWKs an agent authenticates with (private_key_jwt). */
  agentPublicJwks(name: string): Promise<JWK[]> {
    return this.#agentClients.publicJwks(name);
  }

  /** Replaces a private_key_jwt agent's key pair; returns the new private JWK (shown once). */
  async renewAgentKey(name: string): Promise<JWK> {
    if (this.directory.principal(name)?.kind !== 'agent') throw new NotFoundError(`agent ${name}`);
    return this.#agentClients.renewKey(name);
  }

  async setDisabled(name: string, kind: Principal['kind'], disabled: boolean): Promise<Principal> {
    const principal = this.directory.principal(name);
    if (principal?.kind !== kind) throw new NotFoundError(`${kind} ${name}`);
    return this.directory.setDisabled(name, disabled);
  }

  /** Creates an API key bound to scopes (and resources, if any); the key is returned once. */
  async createApiKey(input: {
    principal: string;
    scopes: readonly string[];
    resources?: readonly string[];
    expiresInMs?: number;
  }): Promise<{ key: string; record: ApiKeyRecord }> {
    if (!this.directory.principal(input.principal)) throw new NotFoundError(`principal ${input.principal}`);
    for (const resource of input.resources ?? []) {
      if (!this.resources.find(resource)) throw new ValidationError(`unknown resource ${resource}`);
    }
    const resources = (input.resources ?? []).map((r) => this.resources.find(r)?.url ?? r);
    const expiresAt = input.expiresInMs === undefined ? null : this.#options.clock.now() + input.expiresInMs;
    return this.directory.createApiKey({ principal: input.principal, scopes: input.scopes, resources, expiresAt });
  }

  revokeApiKey(id: string): Promise<ApiKeyRecord> {
    return this.directory.revokeApiKey(id);
  }

  /** Revokes one of our access tokens before it expires; false when it is not ours or not valid. */
  async revokeAccessToken(token: string): Promise<boolean> {
    try {
      const verified = await this.#tokens.verify(token);
      if (verified.issuer !== this.issuer) return false;
      await this.directory.revokeToken(verified.jti, verified.expiresAt);
      return true;
    } catch (error) {
      if (error instanceof TokenRejectedError) return false;
      throw error;
    }
  }

  /** RFC 7009 for a client: revokes our access token only when it was issued to `clientId`. */
  async #revokeAccessTokenOf(token: string, clientId: string): Promise<boolean> {
    try {
      const verified = await this.#tokens.verify(token);
      if (verified.issuer !== this.issuer || verified.clientId !== clientId) return false;
      await this.directory.revokeToken(verified.jti, verified.expiresAt);
      return true;
    } catch (error) {
      if (error instanceof TokenRejectedError) return false;
      throw error;
    }
  }

  /** Rotates the signing key; the previous one keeps verifying until its tokens expire. */
  async rotateSigningKeys(): Promise<{ kid: string; retired: string[] }> {
    const result = await this.keys.rotate();
    this.#buildProvider();
    await this.directory.signingKeysChanged();
    return result;
  }

  async stop(): Promise<void> {
    if (this.#sweepTimer) clearInterval(this.#sweepTimer);
    this.directory.stop();
  }
}

function assertName(name: string): void {
  if (!/^[a-z][a-z0-9._-]{0,62}$/.test(name)) {
    throw new ValidationError(
      'a name is lowercase letters, digits, dots, dashes or underscores, starting with a letter',
      [{ path: 'name', message: 'must be lowercase letters, digits, ., -, _, starting with a letter' }],
    );
  }
}
