import type { ApiKeyRecord, Principal } from './directory.ts';

/** A principal as the admin API shows it. */
export function describePrincipal(p: Principal): Record<string, unknown> {
  return {
    name: p.name,
    kind: p.kind,
    roles: p.roles,
    clientId: p.clientId,
    disabled: p.disabled,
    createdAt: new Date(p.createdAt).toISOString(),
  };
}

/** An API key as the admin API shows it (never the secret). */
export function describeApiKey(k: ApiKeyRecord): Record<string, unknown> {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: k.id,
    principal: k.principal,
    scopes: k.scopes,
    resources: k.resources,
    createdAt: iso(k.createdAt),
    expiresAt: iso(k.expiresAt),
    revokedAt: iso(k.revokedAt),
    lastUsedAt: iso(k.lastUsedAt),
  };
}
