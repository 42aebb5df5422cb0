import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IdentityMesh, startIdentityMesh } from './mesh.ts';
import { approveDevice, Browser, claimsOf, discover, insecure } from './oauth.ts';

const cli: oauth.Client = { client_id: 'parley-cli', token_endpoint_auth_method: 'none' };

describe('device authorization grant (RFC 8628) for parley-cli', { timeout: 60_000 }, () => {
  let env: IdentityMesh;
  let as: oauth.AuthorizationServer;
  let resource: string;

  beforeAll(async () => {
    env = await startIdentityMesh();
    await env.identity.createUser({ username: 'alice', password: 'correct horse battery' });
    as = await discover(env.url);
    resource = `${env.url}/a2a/concierge`;
  });
  afterAll(async () => {
    await env?.close();
  });

  async function authorizeDevice() {
    const response = await oauth.deviceAuthorizationRequest(
      as,
      cli,
      oauth.None(),
      { resource, scope: 'a2a mcp' },
      insecure,
    );
    return oauth.processDeviceAuthorizationResponse(as, cli, response);
  }

  function poll(deviceCode: string) {
    return oauth
      .deviceCodeGrantRequest(as, cli, oauth.None(), deviceCode, {
        ...insecure,
        additionalParameters: { resource },
      })
      .then((response) => oauth.processDeviceCodeResponse(as, cli, response));
  }

  it('advertises the device endpoint and a poll interval', async () => {
    expect(as.device_authorization_endpoint).toBe(`${env.url}/oauth/device/auth`);
    expect(as.grant_types_supported).toContain('urn:ietf:params:oauth:grant-type:device_code');
    const device = await authorizeDevice();
    expect(device.verification_uri).toBe(`${env.url}/oauth/device`);
    expect(device.user_code).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
    expect(device.interval).toBe(5);
  });

  it('is pending until alice approves on the user-code page, then issues a token for the concierge', async () => {
    const device = await authorizeDevice();
    await expect(poll(device.device_code)).rejects.toMatchObject({ error: 'authorization_pending' });
    const done = await approveDevice(
      new Browser(env.url),
      device.verification_uri,
      device.user_code,
      'correct horse battery',
    );
    expect(done).toContain('You are signed in');
    const tokens = await poll(device.device_code);
    expect(claimsOf(tokens.access_token)).toMatchObject({
      sub: 'alice',
      aud: resource,
      client_id: 'parley-cli',
      scope: 'a2a mcp',
    });
    expect(tokens.refresh_token).toBeTruthy();
    const caller = await env.identity.verifyAccessToken(tokens.access_token, resource);
    expect(caller.principal.id).toBe('alice');

    // The refresh token the CLI caches gives a fresh access token for the same resource.
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      cli,
      await oauth.refreshTokenGrantRequest(as, cli, oauth.None(), tokens.refresh_token ?? '', {
        ...insecure,
        additionalParameters: { resource },
      }),
    );
    expect(claimsOf(refreshed.access_token)).toMatchObject({ sub: 'alice', aud: resource });
    // A device code is single use.
    await expect(poll(device.device_code)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a wrong code on the page and answers access_denied when the user cancels', async () => {
    const device = await authorizeDevice();
    const browser = new Browser(env.url);
    const entry = await browser.go(device.verification_uri);
    const wrong = await browser.submit(entry, 'device', { user_code: 'BCDF-GHJK' });
    expect(wrong.body).toContain('That code is not valid');
    const confirm = await browser.submit(wrong, 'device', { user_code: device.user_code });
    const cancelled = await browser.submit(confirm, 'device', { abort: 'yes' });
    expect(cancelled.body).toContain('The sign-in was cancelled');
    await expect(poll(device.device_code)).rejects.toMatchObject({ error: 'access_denied' });
  });

  it('answers expired_token once the device code has expired', async () => {
    const device = await authorizeDevice();
    // Ages the stored device code (its `exp`), as if the user never came back.
    const db = env.mesh.context.store.db;
    const row = await db
      .selectFrom('identity_oidc_models')
      .select(['id', 'payload'])
      .where('model', '=', 'DeviceCode')
      .where('user_code', '=', device.user_code.replace('-', ''))
      .executeTakeFirstOrThrow();
    const payload = { ...(JSON.parse(row.payload) as Record<string, unknown>), exp: Math.floor(Date.now() / 1000) - 1 };
    await db
      .updateTable('identity_oidc_models')
      .set({ payload: JSON.stringify(payload) })
      .where('model', '=', 'DeviceCode')
      .where('id', '=', row.id)
      .execute();
    await expect(poll(device.device_code)).rejects.toMatchObject({ error: 'expired_token' });
  });
});
