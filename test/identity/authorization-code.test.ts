import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IdentityMesh, startIdentityMesh } from './mesh.ts';
import { Browser, claimsOf, discover, insecure, redeemCode } from './oauth.ts';

const REDIRECT_URI = 'http://127.0.0.1:9/callback';

describe('authorization code + PKCE through the login and consent pages', () => {
  let env: IdentityMesh;
  let as: oauth.AuthorizationServer;
  let client: oauth.Client;

  beforeAll(async () => {
    env = await startIdentityMesh();
    await env.identity.createUser({ username: 'alice', password: 'correct horse battery' });
    as = await discover(env.url);
    // RFC 7591 dynamic registration, as an MCP client would do it.
    const registration = await oauth.dynamicClientRegistrationRequest(
      as,
      {
        client_name: 'Test IDE',
        redirect_uris: [REDIRECT_URI],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
      },
      insecure,
    );
    client = await oauth.processDynamicClientRegistrationResponse(registration);
  });
  afterAll(async () => {
    await env?.close();
  });

  async function authorize(browser: Browser, overrides: Record<string, string | undefined> = {}) {
    const verifier = oauth.generateRandomCodeVerifier();
    const params: Record<string, string | undefined> = {
      client_id: client.client_id,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      scope: 'mcp:tools',
      resource: `${env.url}/mcp`,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: 'xyz',
      ...overrides,
    };
    const url = new URL(as.authorization_endpoint ?? '');
    for (const [key, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(key, value);
    return { verifier, page: await browser.go(url.href) };
  }

  async function signInAndConsent(browser: Browser) {
    const { verifier, page } = await authorize(browser);
    expect(page.body).toContain('<label for="username">Username</label>');
    const consent = await browser.submit(page, 'login', { username: 'alice', password: 'correct horse battery' });
    expect(consent.body).toContain('Authorize Test IDE');
    expect(consent.body).toContain(`${env.url}/mcp`);
    const done = await browser.submit(consent, 'consent');
    expect(done.url.startsWith(REDIRECT_URI)).toBe(true);
    return { verifier, callback: new URL(done.url) };
  }

  function redeem(verifier: string, callback: URL) {
    return redeemCode(as, client, callback, {
      state: 'xyz',
      verifier,
      redirectUri: REDIRECT_URI,
      resource: `${env.url}/mcp`,
    });
  }

  it('issues an audience-bound JWT for the signed-in user that the request verifier accepts', async () => {
    const browser = new Browser(env.url);
    const { verifier, callback } = await signInAndConsent(browser);
    const tokens = await redeem(verifier, callback);
    const claims = claimsOf(tokens.access_token);
    expect(claims).toMatchObject({
      iss: env.url,
      sub: 'alice',
      aud: `${env.url}/mcp`,
      scope: 'mcp:tools',
      client_id: client.client_id,
    });
    expect(typeof claims.jti).toBe('string');
    const caller = await env.identity.authenticate(
      { method: 'POST', url: '/mcp', headers: { authorization: `Bearer ${tokens.access_token}` } },
      { url: `${env.url}/mcp`, requiredScopes: ['mcp:tools'] },
    );
    expect(caller).toMatchObject({
      principal: { type: 'User', id: 'alice' },
      actorChain: [],
      credential: 'access-token',
    });
    // RFC 8707: the same token is refused by every other resource.
    await expect(
      env.identity.authenticate(
        { method: 'POST', url: '/a2a/scheduler', headers: { authorization: `Bearer ${tokens.access_token}` } },
        { url: `${env.url}/a2a/scheduler` },
      ),
    ).rejects.toMatchObject({ code: 'ERR_AUTH_WRONG_AUDIENCE', status: 401 });
  });

  it('rotates refresh tokens and revokes the grant when an old one is replayed', async () => {
    const browser = new Browser(env.url);
    const { verifier, callback } = await signInAndConsent(browser);
    const first = await redeem(verifier, callback);
    expect(first.refresh_token).toBeTruthy();
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, oauth.None(), first.refresh_token ?? '', insecure),
    );
    expect(refreshed.refresh_token).toBeTruthy();
    expect(refreshed.refresh_token).not.toBe(first.refresh_token);
    expect(claimsOf(refreshed.access_token).aud).toBe(`${env.url}/mcp`);
    const resource = `${env.url}/mcp`;
    const exchanged = await env.identity.exchangeToken({
      subjectToken: refreshed.access_token,
      subjectTokenType: 'urn:ietf:params:oauth:token-type:access_token',
      actorClientId: client.client_id,
      resource,
    });
    const use = (token: string) =>
      env.identity
        .authenticate({ method: 'POST', url: '/mcp', headers: { authorization: `Bearer ${token}` } }, { url: resource })
        .then(
          () => 'accepted',
          (error: { code?: string }) => error.code,
        );
    const grantTokens = [first.access_token, refreshed.access_token, exchanged.accessToken];
    expect(await Promise.all(grantTokens.map(use))).toEqual(['accepted', 'accepted', 'accepted']);
    // Reuse of the first (rotated) refresh token is detected ...
    const reuse = await oauth.refreshTokenGrantRequest(as, client, oauth.None(), first.refresh_token ?? '', insecure);
    await expect(oauth.processRefreshTokenResponse(as, client, reuse)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    // ... and kills the whole grant, so the newest refresh token fails too.
    const after = await oauth.refreshTokenGrantRequest(
      as,
      client,
      oauth.None(),
      refreshed.refresh_token ?? '',
      insecure,
    );
    await expect(oauth.processRefreshTokenResponse(as, client, after)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    // ... and every access token issued under the grant, exchanged ones included (RFC 7009 §2.1).
    expect(await Promise.all(grantTokens.map(use))).toEqual(Array(3).fill('ERR_AUTH_TOKEN_REVOKED'));
  });

  it('ends the access tokens of a grant whose refresh token is revoked, and no others', async () => {
    const resource = `${env.url}/mcp`;
    const accepted = (token: string) =>
      env.identity
        .authenticate({ method: 'POST', url: '/mcp', headers: { authorization: `Bearer ${token}` } }, { url: resource })
        .then(
          () => true,
          () => false,
        );
    const signIn = async () => {
      const { verifier, callback } = await signInAndConsent(new Browser(env.url));
      return redeem(verifier, callback);
    };
    const mine = await signIn();
    const other = await signIn();
    expect([await accepted(mine.access_token), await accepted(other.access_token)]).toEqual([true, true]);
    // Another client cannot revoke it: the same 200 as for an unknown token, and nothing changes.
    const stranger = await oauth.processDynamicClientRegistrationResponse(
      await oauth.dynamicClientRegistrationRequest(
        as,
        { client_name: 'Stranger', redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'none' },
        insecure,
      ),
    );
    await oauth.processRevocationResponse(
      await oauth.revocationRequest(as, stranger, oauth.None(), mine.refresh_token ?? '', insecure),
    );
    expect(await accepted(mine.access_token)).toBe(true);
    const response = await oauth.revocationRequest(as, client, oauth.None(), mine.refresh_token ?? '', insecure);
    await oauth.processRevocationResponse(response);
    expect([await accepted(mine.access_token), await accepted(other.access_token)]).toEqual([false, true]);
  });

  it('refuses to register a client that does not authenticate for the client credentials grant', async () => {
    const register = (metadata: Record<string, unknown>) =>
      oauth.dynamicClientRegistrationRequest(
        as,
        {
          client_name: 'Machine',
          grant_types: ['client_credentials'],
          response_types: [],
          redirect_uris: [],
          ...metadata,
        },
        insecure,
      );
    const open = await register({ token_endpoint_auth_method: 'none' });
    expect(open.status).toBe(400);
    expect(await open.json()).toMatchObject({ error: 'invalid_client_metadata' });
    const confidential = await register({ token_endpoint_auth_method: 'client_secret_basic' });
    expect(confidential.status).toBe(201);
    expect(await confidential.json()).toHaveProperty('client_secret');
  });

  it('shows the login form again on a wrong password', async () => {
    const browser = new Browser(env.url);
    const { page } = await authorize(browser);
    const again = await browser.submit(page, 'login', { username: 'alice', password: 'wrong' });
    expect(again.response.status).toBe(401);
    expect(again.body).toContain('Wrong username or password.');
  });

  it('refuses a form without the CSRF token', async () => {
    const browser = new Browser(env.url);
    const { page } = await authorize(browser);
    const action = /action="([^"]+\/login)"/.exec(page.body)?.[1] ?? '';
    const forged = await browser.go(new URL(action, page.url).href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: 'alice', password: 'correct horse battery' }).toString(),
    });
    expect(forged.response.status).toBe(403);
  });

  it('refuses a redirect URI that is not registered exactly', async () => {
    const browser = new Browser(env.url);
    const { page } = await authorize(browser, { redirect_uri: `${REDIRECT_URI}/extra` });
    expect(page.response.status).toBe(400);
    expect(page.body).toContain('redirect_uri');
    expect(page.url.startsWith(env.url)).toBe(true);
  });

  it('refuses an authorization request without PKCE', async () => {
    const browser = new Browser(env.url);
    const { page } = await authorize(browser, { code_challenge: undefined, code_challenge_method: undefined });
    const redirected = new URL(page.url);
    expect(redirected.origin + redirected.pathname).toBe(REDIRECT_URI);
    expect(redirected.searchParams.get('error')).toBe('invalid_request');
    expect(redirected.searchParams.get('error_description')).toMatch(/PKCE/);
  });

  it('refuses a resource Parley does not protect with invalid_target', async () => {
    const browser = new Browser(env.url);
    const { page } = await authorize(browser, { resource: 'https://elsewhere.example/api' });
    expect(new URL(page.url).searchParams.get('error')).toBe('invalid_target');
  });
});
