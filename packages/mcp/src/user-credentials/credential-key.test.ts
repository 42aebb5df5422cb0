import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CREDENTIAL_KEY_FILE, loadCredentialKey } from './credential-key.ts';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-key-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('loadCredentialKey', () => {
  it('uses the configured key and never touches the data directory', async () => {
    const dir = tempDir();
    const configured = Buffer.alloc(32, 9).toString('base64');
    expect(await loadCredentialKey({ configured, dataDir: dir })).toEqual(Buffer.alloc(32, 9));
    expect(() => statSync(join(dir, CREDENTIAL_KEY_FILE))).toThrow();
  });

  it('generates a 32-byte key once, mode 0600, and reads the same key back', async () => {
    const dir = join(tempDir(), 'data');
    const first = await loadCredentialKey({ dataDir: dir });
    expect(first).toHaveLength(32);
    const file = join(dir, CREDENTIAL_KEY_FILE);
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64')).toEqual(first);
    expect(await loadCredentialKey({ dataDir: dir })).toEqual(first);
  });

  it.skipIf(process.platform === 'win32')('refuses a key file others can read', async () => {
    const dir = tempDir();
    await loadCredentialKey({ dataDir: dir });
    chmodSync(join(dir, CREDENTIAL_KEY_FILE), 0o644);
    await expect(loadCredentialKey({ dataDir: dir })).rejects.toThrow(/chmod 600/);
  });

  it('refuses a configured key of the wrong length, and no key source at all', async () => {
    await expect(loadCredentialKey({ configured: 'c2hvcnQ=' })).rejects.toThrow(/32-byte/);
    await expect(loadCredentialKey({})).rejects.toThrow(/PARLEY_CREDENTIAL_KEY/);
  });
});
