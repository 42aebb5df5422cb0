import { randomBytes } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '@parley/core';

/** The file in the data directory holding the generated key, base64. */
export const CREDENTIAL_KEY_FILE = 'credential-key';

const KEY_BYTES = 32;

/**
 * The 256-bit key sealing per-user upstream credentials: `mcp.credentialKey`
 * (`PARLEY_CREDENTIAL_KEY`) when set, else `<dataDir>/credential-key`, generated
 * on first use with mode 0600. Never kept in the store beside the ciphertexts.
 */
export async function loadCredentialKey(options: { configured?: string | undefined; dataDir?: string | undefined }) {
  if (options.configured !== undefined) return decodeKey(options.configured, 'mcp.credentialKey');
  if (options.dataDir === undefined) {
    throw new ConfigError('per-user credentials need a key: set mcp.credentialKey (PARLEY_CREDENTIAL_KEY)', [
      { path: 'mcp.credentialKey', message: 'required when there is no data directory' },
    ]);
  }
  const file = join(options.dataDir, CREDENTIAL_KEY_FILE);
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  try {
    await writeFile(file, `${randomBytes(KEY_BYTES).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  // Like ssh with a private key: a key others can read is refused, not used.
  if (process.platform !== 'win32' && ((await stat(file)).mode & 0o077) !== 0) {
    throw new ConfigError(`${file} is readable by other users; chmod 600 it`, [
      { path: file, message: 'must be mode 0600' },
    ]);
  }
  return decodeKey((await readFile(file, 'utf8')).trim(), file);
}

function decodeKey(value: string, source: string): Buffer {
  const key = Buffer.from(value, 'base64');
  if (key.length !== KEY_BYTES) {
    throw new ConfigError(`${source} is not a 32-byte base64 key`, [
      { path: source, message: 'must be 32 bytes, base64' },
    ]);
  }
  return key;
}
