export { ADMIN_USER, ensureBootstrapAdmin } from './bootstrap/admin.ts';
export {
  DEV_ADMIN_USER,
  DEV_AGENTS,
  DEV_CREDENTIALS_FILE,
  DEV_USER_SCOPES,
  type DevCredentials,
  seedDevIdentities,
} from './dev/seed.ts';
export { TokenExchangeError, TokenRejectedError } from './errors.ts';
export {
  TOKEN_EXCHANGE_GRANT,
  TOKEN_EXCHANGED_TOPIC,
  TOKEN_TYPE,
  type TokenExchangeRequest,
  type TokenExchangeResult,
} from './exchange/token-exchange.ts';
export type { TrustedIssuerConfig } from './external/trusted-issuers.ts';
export { IdentityService, type IdentityServiceOptions, type IdentitySettings } from './identity-service.ts';
export { SIGNING_ALG } from './keys/signing-keys.ts';
export type { CreateAgentInput, CreatedAgent } from './principals/agent-clients.ts';
export { describeApiKey, describePrincipal } from './principals/describe.ts';
export { type ApiKeyRecord, IDENTITY_CHANGED_TOPIC, type Principal } from './principals/directory.ts';
export {
  CLI_CLIENT,
  CLI_CLIENT_ID,
  DEVICE_CODE_GRANT,
  type FirstPartyClient,
} from './provider/first-party-clients.ts';
export { OAUTH_PATH_PREFIXES } from './provider/http-handler.ts';
export { OAUTH_ROUTES } from './provider/routes.ts';
export { GATEWAY_CLIENT_ID, type ProtectedResource } from './resources/resource-registry.ts';
export { StoreAdapter } from './store/oidc-adapter.ts';
export { type ActClaim, actorChain } from './tokens/claims.ts';
export { bearerChallenge, protectedResourceMetadataUrl } from './verify/challenge.ts';
