/**
 * oidc-provider's own state (sessions, interactions, grants, codes, refresh
 * tokens, registered clients), one row per model instance, payload as JSON.
 */
export interface IdentityOidcModelTable {
  model: string;
  id: string;
  payload: string;
  grant_id: string | null;
  user_code: string | null;
  uid: string | null;
  /** Epoch ms; null never expires (registered clients). */
  expires_at: number | null;
  consumed_at: number | null;
}

/** Private signing keys (JWK JSON); the newest active one signs. */
export interface IdentitySigningKeyTable {
  kid: string;
  alg: string;
  private_jwk: string;
  created_at: number;
  /** When it stopped signing; kept in the JWKS until its tokens have expired. */
  retired_at: number | null;
}

/** Users and agents, one namespace of names. */
export interface IdentityPrincipalTable {
  name: string;
  kind: 'user' | 'agent';
  /** JSON array of role names. */
  roles: string;
  /** scrypt hash; users only. */
  password_hash: string | null;
  /** The agent's OAuth client id; agents only. */
  client_id: string | null;
  disabled: number;
  created_at: number;
}

/** API keys: only a SHA-256 hash of the secret is kept. */
export interface IdentityApiKeyTable {
  id: string;
  principal: string;
  secret_hash: string;
  /** JSON array of scopes. */
  scopes: string;
  /** JSON array of resource URLs it is bound to; empty: every resource of the mesh. */
  resources: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
}

/** Access tokens revoked before they expire (by `jti`). */
export interface IdentityRevokedTokenTable {
  jti: string;
  expires_at: number;
  revoked_at: number;
}

/** DPoP proofs seen recently (`<jkt>:<jti>`), shared so a proof replayed to another replica is refused. */
export interface IdentityDpopProofTable {
  key: string;
  /** Epoch ms after which the proof is stale anyway and the row may go. */
  expires_at: number;
}

/** The identity part's tables; owned by @parley/identity. */
export interface IdentityTables {
  identity_oidc_models: IdentityOidcModelTable;
  identity_signing_keys: IdentitySigningKeyTable;
  identity_principals: IdentityPrincipalTable;
  identity_api_keys: IdentityApiKeyTable;
  identity_revoked_tokens: IdentityRevokedTokenTable;
  identity_dpop_proofs: IdentityDpopProofTable;
}
