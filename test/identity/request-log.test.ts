import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningParley, startParley, tempDir } from '../support/parley-process.ts';

// Values that must never reach the server's log, sent where OAuth and OpenID clients put them: in the query.
const ID_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2VjcmV0LXNpZ25hdHVyZQ';
const LOGIN_HINT = 'alice-private-hint';
const ACCESS_TOKEN = 'query-access-token-0123456789';
const USER_CODE = 'WDJB-MJHT';

describe('the request log', () => {
  let mesh: RunningParley;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = tempDir();
    mesh = await startParley(['dev', '--data-dir', dataDir], { PARLEY_LOG_LEVEL: 'info' });
  }, 30_000);

  afterAll(async () => {
    await mesh?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('names the query parameters of each request but never logs their values', async () => {
    const paths = [
      `/session/end?id_token_hint=${ID_TOKEN}&post_logout_redirect_uri=http%3A%2F%2F127.0.0.1%2Fdone`,
      `/authorize?client_id=nobody&response_type=code&login_hint=${LOGIN_HINT}`,
      `/mcp?access_token=${ACCESS_TOKEN}`,
      `/device?user_code=${USER_CODE}`,
    ];
    for (const path of paths) await (await fetch(`${mesh.url}${path}`, { redirect: 'manual' })).text();
    const incoming = () =>
      mesh
        .output()
        .split('\n')
        .filter((line) => line.includes('"incoming request"'));
    await expect.poll(() => incoming().filter((line) => line.includes('[redacted]')).length).toBe(paths.length);

    const log = mesh.output();
    for (const secret of [ID_TOKEN, LOGIN_HINT, ACCESS_TOKEN, USER_CODE]) expect(log).not.toContain(secret);
    const urls = incoming().map((line) => (JSON.parse(line) as { req: { url: string } }).req.url);
    expect(urls).toContain('/session/end?id_token_hint=[redacted]&post_logout_redirect_uri=[redacted]');
    expect(urls).toContain('/mcp?access_token=[redacted]');
  });
});
