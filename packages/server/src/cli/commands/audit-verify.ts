import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AuditError, AuditLog, type VerifyResult } from '@parley/audit';
import { loadConfig } from '@parley/config';
import { Store } from '@parley/store';

export interface OfflineStoreFlags {
  dataDir?: string;
  databaseUrl?: string;
  config?: string;
}

/**
 * Verifies the chain straight from the store (SQLite file or PostgreSQL), so it
 * works while the server is down; same settings as `parley start`.
 */
export async function verifyOffline(flags: OfflineStoreFlags): Promise<VerifyResult> {
  const config = loadConfig({
    file: flags.config ?? process.env.PARLEY_CONFIG,
    env: process.env,
    overrides: [
      { path: ['dataDir'], value: flags.dataDir },
      { path: ['store', 'url'], value: flags.databaseUrl },
    ],
  });
  const url = config.store.url;
  const dataDir = resolve(config.dataDir);
  if (!url && !existsSync(join(dataDir, 'parley.db'))) {
    throw new AuditError('ERR_AUDIT_NO_LOG', `no Parley store in ${dataDir} (set --data-dir or PARLEY_DATABASE_URL)`);
  }
  // Reading only: never migrate someone's store from a verification command.
  const store = await Store.open({ url, dataDir, migrate: false });
  try {
    return await new AuditLog({ store }).verify();
  } catch (error) {
    if (error instanceof AuditError) throw error;
    throw new AuditError('ERR_AUDIT_NO_LOG', `cannot read the audit log at ${store.location}`, { cause: error });
  } finally {
    await store.close();
  }
}
