import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminApi, decideApprovals } from '../support/approvals.ts';
import { type RunningParley, spawnParley, startParley, tempDir } from '../support/parley-process.ts';
import { approveDevice, Browser } from './oauth.ts';

// `parley login`, `parley ask` and `parley logout` as a person uses them: the
// CLI (a child process) runs the device flow and polls, while the test plays
// the person approving the code in a browser as alice.
const REQUEST = 'Find a day everyone on the platform team is free';

interface Credentials {
  servers: Record<string, { clientId: string; refreshToken: string; username?: string }>;
}

describe('parley login / ask / logout with the device flow', { timeout: 120_000 }, () => {
  let mesh: RunningParley;
  let dataDir: string;
  let configHome: string;
  let alicePassword: string;
  let adminKey: string;
  const emptyDataDir = tempDir('parley-cli-nodev-');

  beforeAll(async () => {
    dataDir = tempDir('parley-cli-login-');
    configHome = tempDir('parley-cli-config-');
    mesh = await startParley(['dev', '--data-dir', dataDir]);
    const dev = JSON.parse(readFileSync(join(dataDir, 'dev-credentials.json'), 'utf8')) as {
      users: Array<{ username: string; password: string }>;
    };
    alicePassword = dev.users.find((u) => u.username === 'alice')?.password ?? '';
    adminKey = readFileSync(join(dataDir, 'admin-api-key'), 'utf8').trim();
  }, 60_000);
  afterAll(async () => {
    await mesh?.stop('SIGTERM');
    for (const dir of [dataDir, configHome, emptyDataDir]) rmSync(dir, { recursive: true, force: true });
  });

  const credentialsFile = () => join(configHome, 'parley', 'credentials.json');
  const credentials = () => JSON.parse(readFileSync(credentialsFile(), 'utf8')) as Credentials;

  /** Runs `parley ARGS`; approves the device code as alice when asked to, and any pending approval. */
  async function parley(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    // No dev credentials in this data directory: the CLI has to sign in for real.
    const run = spawnParley([...args, '--url', mesh.url], {
      XDG_CONFIG_HOME: configHome,
      PARLEY_DATA_DIR: emptyDataDir,
    });
    const approving = decideApprovals(adminApi(mesh.url, adminKey), 'approve', run.exited);
    let approved = false;
    while (!run.done()) {
      const prompt = /open (\S+)\nand enter the code (\S+)/.exec(run.stderr());
      if (prompt?.[1] && prompt[2] && !approved) {
        approved = true;
        expect(await approveDevice(new Browser(mesh.url), prompt[1], prompt[2], alicePassword)).toContain(
          'You are signed in',
        );
      }
      await Promise.race([run.exited, new Promise((resolve) => setTimeout(resolve, 200))]);
    }
    await approving;
    return { code: await run.exited, stdout: run.stdout(), stderr: run.stderr() };
  }

  it('parley login prints the code to stderr, polls until alice approves, and saves a 0600 refresh token', async () => {
    const login = await parley(['login', '--json']);
    expect(login.code).toBe(0);
    expect(login.stderr).toContain(`To sign in, open ${mesh.url}/oauth/device`);
    expect(JSON.parse(login.stdout)).toEqual({ ok: true, url: mesh.url, username: 'alice' });
    expect(statSync(credentialsFile()).mode & 0o777).toBe(0o600);
    expect(credentials().servers[mesh.url]).toMatchObject({ clientId: 'parley-cli', username: 'alice' });
  });

  it('parley ask reuses the saved sign-in without asking, and rotates the refresh token', async () => {
    const before = credentials().servers[mesh.url]?.refreshToken;
    const ask = await parley(['ask', REQUEST, '--json']);
    expect(ask.stderr).not.toContain('To sign in');
    expect(ask.code, ask.stdout + ask.stderr).toBe(0);
    expect(JSON.parse(ask.stdout)).toMatchObject({ ok: true });
    const after = credentials().servers[mesh.url]?.refreshToken;
    expect(after).toBeTruthy();
    expect(after).not.toBe(before);
  });

  it('parley logout revokes and forgets the sign-in; the next ask runs the device flow again', async () => {
    const saved = credentials().servers[mesh.url]?.refreshToken ?? '';
    const logout = await parley(['logout', '--json']);
    expect(JSON.parse(logout.stdout)).toEqual({ ok: true, url: mesh.url, signedOut: true, revoked: true });
    expect(credentials().servers[mesh.url]).toBeUndefined();
    const refresh = await fetch(`${mesh.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: saved, client_id: 'parley-cli' }),
    });
    expect(((await refresh.json()) as { error?: string }).error).toBe('invalid_grant');

    const ask = await parley(['ask', REQUEST, '--json']);
    expect(ask.stderr).toContain('and enter the code');
    expect(ask.code, ask.stdout + ask.stderr).toBe(0);
    expect(credentials().servers[mesh.url]).toMatchObject({ username: 'alice' });
  });
});
