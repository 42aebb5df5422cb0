import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IdentityService } from '../identity-service.ts';
import { readSecretFile } from './secret-file.ts';

/** The bootstrap administrator's user name. */
export const ADMIN_USER = 'admin';

/**
 * On first start, creates the `admin` user (role `admin`) and an API key for
 * it in `<dataDir>/<keyFile>` (mode 0600), which the CLI reads. Later starts
 * keep the key while it is still valid, and issue a new one otherwise.
 */
export async function ensureBootstrapAdmin(
  identity: IdentityService,
  dataDir: string,
  keyFile: string,
): Promise<{ keyFile: string; createdUser: boolean; createdKey: boolean }> {
  const path = join(dataDir, keyFile);
  let createdUser = false;
  if (!identity.directory.principal(ADMIN_USER)) {
    await identity.createUser({ username: ADMIN_USER, roles: ['admin'] });
    createdUser = true;
  }
  const existing = readSecretFile(path);
  if (existing && identity.isApiKeyValidFor(existing, ADMIN_USER))
    return { keyFile: path, createdUser, createdKey: false };
  const { key } = await identity.createApiKey({ principal: ADMIN_USER, scopes: ['admin'] });
  writeFileSync(path, `${key}\n`, { mode: 0o600 });
  return { keyFile: path, createdUser, createdKey: true };
}
