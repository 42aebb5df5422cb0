import type { Clock, FetchFunction } from '@parley/core';
import type { Store } from '@parley/store';
import Provider, { type ClientMetadata, type Configuration, errors, type KoaContextWithOIDC } from 'oidc-provider';
import type { SigningKeyRing } from '../keys/signing-keys.ts';
import type { PrincipalDirectory } from '../principals/directory.ts';
import type { ResourceRegistry } from '../resources/resource-registry.ts';
import { StoreAdapter } from '../store/oidc-adapter.ts';
import { GRANT_CLAIM } from '../tokens/claims.ts';
import { addPollInterval, deviceFlowFeature } from './device-flow.ts';
import { renderErrorPage, renderLoggedOutPage, renderLogoutPage } from './pages.ts';
import { OAUTH_ROUTES } from './routes.ts';

export interface ProviderOptions {
  issuer: string;
  store: Store;
  clock: Clock;
  keys: SigningKeyRing;
  directory: PrincipalDirectory;
  resources: ResourceRegistry;
  cookieKeys: string[];
  accessTokenTtlMs: number;
  refreshTokenTtlMs: number;
  /** Fetch for Client ID Metadata Documents (the guarded client). */
  fetch: FetchFunction;
  trustProxy: boolean;
  /** Scopes of Parley's resources besides RESOURCE_SCOPES (the MCP gateway's tool scopes). */
  resourceScopes: readonly string[];
}

/**
 * The embedded OAuth 2.1 authorization server: oidc-provider configured for
 * Parley (store-backed, own pages, JWT access tokens bound to one resource,
 * PKCE S256 required, DPoP, DCR, Client ID Metadata Documents, the device
 * authorization grant).
 * @see https://www.rfc-editor.org/rfc/rfc8707
 */
/** Scopes of Parley's own resources: `mcp` (the gateway) and `a2a` (the agents). */
export const RESOURCE_SCOPES = ['mcp', 'a2a'] as const;

export function createProvider(options: ProviderOptions): Provider {
  const { issuer, resources, directory } = options;
  const seconds = (ms: number) => Math.max(1, Math.floor(ms / 1000));
  const accessTokenTTL = seconds(options.accessTokenTtlMs);

  const getResourceServerInfo = async (
    ctx: KoaContextWithOIDC,
    indicator: string,
    client: { scope?: string | undefined },
  ) => {
    const resource = resources.find(indicator);
    if (!resource) throw new errors.InvalidTarget(`unknown resource ${indicator}`);
    return {
      scope: resource.scopes ? resource.scopes.join(' ') : grantableScopes(ctx, indicator, client.scope),
      audience: resource.url,
      accessTokenTTL,
      accessTokenFormat: 'jwt' as const,
      jwt: { sign: { alg: 'RS256' as const } },
    };
  };

  const configuration: Configuration = {
    adapter: StoreAdapter.factory(
      options.store,
      options.clock,
      (clientId) => directory.principalByClientId(clientId)?.disabled === true,
    ),
    jwks: { keys: options.keys.privateJwks() as NonNullable<Configuration['jwks']>['keys'] },
    cookies: { keys: options.cookieKeys, long: { signed: true }, short: { signed: true } },
    routes: OAUTH_ROUTES,
    claims: { openid: ['sub'], profile: ['preferred_username'] },
    // The resource scopes Parley's own resources advertise (RFC 9728
    // scopes_supported) are registrable too: MCP clients register with them.
    scopes: [...new Set(['openid', 'offline_access', 'profile', ...RESOURCE_SCOPES, ...options.resourceScopes])],
    // RFC 7591's software_id and software_version, kept as registered; the validator sees every client's metadata.
    extraClientMetadata: {
      properties: ['software_id', 'software_version'],
      validator: (_ctx, key, _value, metadata) => {
        // Once per client, not per extra property.
        if (key !== 'software_id') return;
        refusePublicClientCredentials(metadata);
        allowStepUp(metadata, options.resourceScopes);
      },
    },
    async findAccount(_ctx, sub) {
      const principal = directory.principal(sub);
      if (principal?.kind !== 'user' || principal.disabled) return undefined;
      return { accountId: sub, claims: async () => ({ sub, preferred_username: sub }) };
    },
    interactions: { url: (_ctx, interaction) => `/oauth/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: {
        enabled: true,
        // Only the client a token was issued to may revoke it; for any other the answer is the same 200
        // as for an unknown token (RFC 7009 §2.2), as for Parley's JWT access tokens.
        allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId,
      },
      registration: { enabled: true },
      // Ends the authorization server's sign-in session (the console's Sign out), after the user confirms.
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.type = 'html';
          ctx.body = renderLogoutPage(form, ctx.oidc.client?.clientName ?? ctx.oidc.client?.clientId);
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.type = 'html';
          ctx.body = renderLoggedOutPage();
        },
      },
      dPoP: { enabled: true },
      clientIdMetadataDocument: { enabled: true, ack: 'draft-02' },
      deviceFlow: deviceFlowFeature(),
      resourceIndicators: {
        enabled: true,
        defaultResource: async (_ctx, _client, oneOf) => oneOf,
        useGrantedResource: async () => true,
        getResourceServerInfo,
      },
    } as Configuration['features'],
    responseTypes: ['code'],
    pkce: { required: () => true },
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'RS256',
    },
    rotateRefreshToken: true,
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    ttl: {
      AccessToken: accessTokenTTL,
      ClientCredentials: accessTokenTTL,
      RefreshToken: seconds(options.refreshTokenTtlMs),
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 3600,
      Session: 14 * 24 * 3600,
      Grant: seconds(options.refreshTokenTtlMs),
    },
    // A user's JWT access tokens name their grant, so revoking the grant ends them (see GRANT_CLAIM).
    extraTokenClaims: async (_ctx, token) =>
      token.kind === 'AccessToken' && typeof token.grantId === 'string' ? { [GRANT_CLAIM]: token.grantId } : undefined,
    fetch: options.fetch as Configuration['fetch'],
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = renderErrorPage(String(out.error), String(out.error_description ?? ''));
    },
  };
  const provider = new Provider(issuer, configuration);
  provider.proxy = options.trustProxy;
  provider.on('device_authorization.success', (_ctx, body) => addPollInterval(body as Record<string, unknown>));
  return provider;
}

/**
 * A client that does not authenticate (`token_endpoint_auth_method: none`)
 * may not hold the client credentials grant: anyone could register one and
 * obtain tokens as it without any secret.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4 ("MUST only be used by confidential clients")
 */
function refusePublicClientCredentials(metadata: ClientMetadata): void {
  if (metadata.token_endpoint_auth_method === 'none' && metadata.grant_types?.includes('client_credentials')) {
    throw new errors.InvalidClientMetadata(
      'the client_credentials grant is for confidential clients; token_endpoint_auth_method none cannot use it',
    );
  }
}

/**
 * A client registered for `mcp` may also ask for the gateway's tool scopes:
 * a 403 `insufficient_scope` sends it back for them (step-up), and
 * oidc-provider refuses a scope outside the registered list. A dynamically
 * registered list is the client's own claim, so widening it grants nothing;
 * the user still consents to each scope, and a token carries only what was asked.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization#step-up-authorization-flow
 */
function allowStepUp(metadata: ClientMetadata, toolScopes: readonly string[]): void {
  const registered = typeof metadata.scope === 'string' ? metadata.scope.split(' ') : [];
  if (toolScopes.length === 0 || !registered.includes('mcp')) return;
  metadata.scope = [...new Set([...registered, ...toolScopes])].join(' ');
}

/** Scopes a resource without a declared list may carry: what the client asked for and may ask for. */
function grantableScopes(ctx: KoaContextWithOIDC, indicator: string, clientScope: string | undefined): string {
  const oidc = ctx.oidc as unknown as {
    params?: { scope?: unknown };
    entities?: Record<string, { scope?: unknown; getResourceScope?: (r: string) => string } | undefined>;
  };
  const parts: unknown[] = [oidc.params?.scope, clientScope];
  for (const name of ['AuthorizationCode', 'RefreshToken']) parts.push(oidc.entities?.[name]?.scope);
  parts.push(oidc.entities?.Grant?.getResourceScope?.(indicator));
  const scopes = new Set<string>();
  for (const part of parts) {
    if (typeof part === 'string') for (const scope of part.split(' ')) if (scope) scopes.add(scope);
  }
  for (const oidcScope of ['openid', 'offline_access', 'profile']) scopes.delete(oidcScope);
  return [...scopes].join(' ');
}
