import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JWK } from 'jose';
import { z } from 'zod';
import { readSecretFile } from '../bootstrap/secret-file.ts';
import type { IdentityService } from '../identity-service.ts';
import { verifyPassword } from '../secrets/password.ts';

/** File name of the demo credentials, in the data directory. */
export const DEV_CREDENTIALS_FILE = 'dev-credentials.json';

/** The demo agents of DESIGN.md. */
export const DEV_AGENTS = ['concierge', 'scheduler', 'facilities', 'comms'] as const;

/**
 * The demo's administrator, who can sign in to the console (the bootstrap
 * `admin` has an API key but no password). Seeded by `parley dev` only.
 */
export const DEV_ADMIN_USER = 'ops';

/** Scopes of alice's demo API key. */
export const DEV_USER_SCOPES = ['mcp', 'a2a'];

const credentialsSchema = z.object({
  issuer: z.string(),
  users: z.array(z.object({ username: z.string(), password: z.string(), apiKey: z.string() })),
  agents: z.array(
    z.object({
      name: z.string(),
      clientId: z.string(),
      clientSecret: z.string().nullable(),
      privateJwk: z.record(z.string(), z.unknown()).nullable(),
    }),
  ),
});

/** `<dataDir>/dev-credentials.json`. */
export type DevCredentials = z.infer<typeof credentialsSchema>;

/**
 * Seeds the demo mesh: user `alice` with a password and an API key, the
 * administrator `ops` with a password (for the console) and an API key, and
 * the demo agents with key pairs (private_key_jwt). Idempotent: credentials
 * from an earlier run stay valid and are kept; missing or stale ones are
 * renewed.
 */
export async function seedDevIdentities(identity: IdentityService, dataDir: string): Promise<DevCredentials> {
  const path = join(dataDir, DEV_CREDENTIALS_FILE);
  const previous = readPrevious(path);
  const users: DevCredentials['users'] = [];
  for (const [username, roles] of [
    ['alice', []],
    [DEV_ADMIN_USER, ['admin']],
  ] as const) {
    const old = previous?.users.find((u) => u.username === username);
    const password = await ensureUser(identity, username, old?.password, roles);
    const apiKey =
      old && identity.isApiKeyValidFor(old.apiKey, username)
        ? old.apiKey
        : (await identity.createApiKey({ principal: username, scopes: DEV_USER_SCOPES })).key;
    users.push({ username, password, apiKey });
  }
  const agents: DevCredentials['agents'] = [];
  for (const name of DEV_AGENTS) {
    const old = previous?.agents.find((a) => a.name === name);
    agents.push(await ensureAgent(identity, name, old?.privateJwk ?? null));
  }
  const credentials: DevCredentials = {
    issuer: identity.issuer,
    users,
    agents,
  };
  writeFileSync(path, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  return credentials;
}

function readPrevious(path: string): DevCredentials | undefined {
  const text = readSecretFile(path);
  if (!text) return undefined;
  try {
    const parsed = credentialsSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

async function ensureUser(
  identity: IdentityService,
  username: string,
  password: string | undefined,
  roles: readonly string[],
): Promise<string> {
  if (!identity.directory.principal(username)) {
    return (await identity.createUser({ username, roles, ...(password ? { password } : {}) })).password;
  }
  const hash = await identity.directory.passwordHash(username);
  if (password && hash && (await verifyPassword(password, hash))) return password;
  const next = (await identity.resetPassword(username)).password;
  return next;
}

async function ensureAgent(
  identity: IdentityService,
  name: string,
  privateJwk: Record<string, unknown> | null,
): Promise<DevCredentials['agents'][number]> {
  if (!identity.directory.principal(name)) {
    const created = await identity.createAgent({ name });
    return {
      name,
      clientId: created.clientId,
      clientSecret: null,
      privateJwk: created.privateJwk as Record<string, unknown>,
    };
  }
  const registered = await identity.agentPublicJwks(name);
  if (privateJwk && registered.some((jwk) => jwk.kid === privateJwk.kid && jwk.x === privateJwk.x)) {
    return { name, clientId: name, clientSecret: null, privateJwk };
  }
  const renewed = await identity.renewAgentKey(name);
  return { name, clientId: name, clientSecret: null, privateJwk: renewed as JWK as Record<string, unknown> };
}
