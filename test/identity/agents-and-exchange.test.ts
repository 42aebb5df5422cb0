import { createHash, randomUUID } from 'node:crypto';
import type { CreatedAgent } from '@parley/identity';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IdentityMesh, startIdentityMesh } from './mesh.ts';
import { claimsOf, discover, insecure, oauthError, privateKeyJwt, tokenExchangeRequest } from './oauth.ts';

describe('agents: client_credentials with private_key_jwt, token exchange, DPoP', () => {
  let env: IdentityMesh;
  let as: oauth.AuthorizationServer;
  const agents: Record<string, CreatedAgent> = {};

  beforeAll(async () => {
    env = await startIdentityMesh({ identity: { maxDelegationDepth: 2 } });
    as = await discover(env.url);
    for (const name of ['concierge', 'scheduler', 'facilities', 'comms']) {
      agents[name] = await env.identity.createAgent({ name });
    }
    agents.ops = await env.identity.createAgent({ name: 'ops', roles: ['admin'] });
    agents.service = await env.identity.createAgent({ name: 'service', authMethod: 'client_secret_basic' });
    await env.identity.createUser({ username: 'alice', password: 'correct horse battery' });
  });
  afterAll(async () => {
    await env?.close();
  });

  async function clientCredentials(
    name: string,
    params: Record<string, string>,
    options: oauth.ClientCredentialsGrantRequestOptions = {},
  ) {
    const agent = agents[name];
    if (!agent) throw new Error(name);
    const auth = agent.privateJwk
      ? await privateKeyJwt(agent.privateJwk)
      : oauth.ClientSecretBasic(agent.clientSecret ?? '');
    return oauth.clientCredentialsGrantRequest(as, { client_id: agent.clientId }, auth, params, {
      ...insecure,
      ...options,
    });
  }

  async function exchange(
    actor: string,
    subjectToken: string,
    resource: string,
    extra: { scope?: string; subjectTokenType?: string; dpop?: oauth.DPoPHandle } = {},
  ) {
    const agent = agents[actor];
    if (!agent?.privateJwk) throw new Error(actor);
    const { dpop, ...params } = extra;
    return tokenExchangeRequest(
      as,
      agent.clientId,
      await privateKeyJwt(agent.privateJwk),
      { subjectToken, resource, ...params },
      dpop ? { DPoP: dpop } : {},
    );
  }

  /** The agent's own token for `resource`, bound to `keyPair` (RFC 9449 client_credentials). */
  async function dpopBoundToken(name: string, keyPair: CryptoKeyPair, resource: string) {
    const client: oauth.Client = { client_id: agents[name]?.clientId ?? name };
    const dpop = oauth.DPoP(client, keyPair);
    let response = await clientCredentials(name, { resource }, { DPoP: dpop });
    // oidc-provider may ask for a nonce first (use_dpop_nonce); oauth4webapi remembers it.
    if (!response.ok) response = await clientCredentials(name, { resource }, { DPoP: dpop });
    const tokens = await oauth.processClientCredentialsResponse(as, client, response);
    expect(tokens.token_type).toBe('dpop');
    return tokens.access_token;
  }

  /** alice's token for the concierge, as the console would obtain it (API key exchanged by the concierge). */
  async function aliceTokenForConcierge(scope = 'calendar:read rooms:book mail:send') {
    const { key } = await env.identity.createApiKey({ principal: 'alice', scopes: scope.split(' ') });
    const response = await exchange('concierge', key, `${env.url}/a2a/concierge`, {
      subjectTokenType: 'urn:parley:params:oauth:token-type:api-key',
    });
    const body = (await response.json()) as { access_token: string };
    expect(response.status).toBe(200);
    return body.access_token;
  }

  it('issues an agent its own audience-bound token with private_key_jwt', async () => {
    const response = await clientCredentials('scheduler', { resource: `${env.url}/mcp`, scope: 'calendar:read' });
    const tokens = await oauth.processClientCredentialsResponse(as, { client_id: 'scheduler' }, response);
    expect(claimsOf(tokens.access_token)).toMatchObject({
      sub: 'scheduler',
      client_id: 'scheduler',
      aud: `${env.url}/mcp`,
    });
    const caller = await env.identity.authenticate(
      { method: 'POST', url: '/mcp', headers: { authorization: `Bearer ${tokens.access_token}` } },
      { url: `${env.url}/mcp` },
    );
    expect(caller).toMatchObject({
      principal: { type: 'Agent', id: 'scheduler' },
      onBehalfOf: undefined,
      actorChain: [],
    });
  });

  it('issues a service token with client_secret_basic', async () => {
    const response = await clientCredentials('service', { resource: `${env.url}/mcp` });
    const tokens = await oauth.processClientCredentialsResponse(as, { client_id: 'service' }, response);
    expect(claimsOf(tokens.access_token).sub).toBe('service');
  });

  it('refuses a private_key_jwt assertion signed with another key', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      { client_id: 'scheduler' },
      oauth.PrivateKeyJwt({ key: privateKey, kid: agents.scheduler?.privateJwk?.kid ?? '' }),
      { resource: `${env.url}/mcp` },
      insecure,
    );
    expect(response.status).toBe(401);
    expect(await oauthError(response)).toBe('invalid_client');
  });

  it('exchanges two hops deep with a nested act, narrowing scopes', async () => {
    const userToken = await aliceTokenForConcierge();
    expect(claimsOf(userToken)).toMatchObject({
      sub: 'alice',
      aud: `${env.url}/a2a/concierge`,
      act: { sub: 'concierge' },
    });
    // Hop 1 was the concierge acting for alice; hop 2: the concierge delegates to the scheduler.
    const toScheduler = await exchange('concierge', userToken, `${env.url}/a2a/scheduler`, {
      scope: 'calendar:read rooms:book',
    });
    expect(toScheduler.status).toBe(200);
    const schedulerToken = ((await toScheduler.json()) as { access_token: string }).access_token;
    expect(claimsOf(schedulerToken)).toMatchObject({
      sub: 'alice',
      aud: `${env.url}/a2a/scheduler`,
      act: { sub: 'concierge' },
    });
    // The scheduler reaches its tools: the chain nests.
    const toTools = await exchange('scheduler', schedulerToken, `${env.url}/mcp`, { scope: 'calendar:read' });
    expect(toTools.status).toBe(200);
    const body = (await toTools.json()) as { access_token: string; issued_token_type: string; token_type: string };
    expect(body.issued_token_type).toBe('urn:ietf:params:oauth:token-type:access_token');
    expect(claimsOf(body.access_token)).toMatchObject({
      sub: 'alice',
      aud: `${env.url}/mcp`,
      scope: 'calendar:read',
      client_id: 'scheduler',
      act: { sub: 'scheduler', act: { sub: 'concierge' } },
    });
    const caller = await env.identity.authenticate(
      { method: 'POST', url: '/mcp', headers: { authorization: `Bearer ${body.access_token}` } },
      { url: `${env.url}/mcp`, requiredScopes: ['calendar:read'] },
    );
    expect(caller).toMatchObject({
      principal: { type: 'Agent', id: 'scheduler' },
      onBehalfOf: { type: 'User', id: 'alice' },
      actorChain: ['scheduler', 'concierge'],
      scopes: ['calendar:read'],
    });
    // The in-process exchange follows the same rules.
    const inProcess = await env.identity.exchangeToken({
      subjectToken: schedulerToken,
      subjectTokenType: 'urn:ietf:params:oauth:token-type:access_token',
      actorClientId: 'scheduler',
      resource: `${env.url}/mcp/calendar`,
    });
    expect(claimsOf(inProcess.accessToken)).toMatchObject({
      aud: `${env.url}/mcp/calendar`,
      act: { sub: 'scheduler', act: { sub: 'concierge' } },
    });
  });

  it('refuses scope widening with invalid_scope', async () => {
    const userToken = await aliceTokenForConcierge('calendar:read');
    const response = await exchange('concierge', userToken, `${env.url}/a2a/scheduler`, {
      scope: 'calendar:read mail:send',
    });
    expect(response.status).toBe(400);
    expect(await oauthError(response)).toBe('invalid_scope');
  });

  it('refuses a chain deeper than identity.maxDelegationDepth with invalid_grant', async () => {
    const userToken = await aliceTokenForConcierge();
    const hop1 = (await (await exchange('concierge', userToken, `${env.url}/a2a/scheduler`)).json()) as {
      access_token: string;
    };
    const hop2 = (await (await exchange('scheduler', hop1.access_token, `${env.url}/a2a/facilities`)).json()) as {
      access_token: string;
    };
    expect(claimsOf(hop2.access_token).act).toEqual({ sub: 'scheduler', act: { sub: 'concierge' } });
    const hop3 = await exchange('facilities', hop2.access_token, `${env.url}/mcp`);
    expect(hop3.status).toBe(400);
    expect(await oauthError(hop3)).toBe('invalid_grant');
  });

  it('refuses a subject token the actor may not exchange, and unknown resources', async () => {
    const userToken = await aliceTokenForConcierge();
    // The comms agent neither received this token nor serves its audience.
    const stolen = await exchange('comms', userToken, `${env.url}/mcp`);
    expect(await oauthError(stolen)).toBe('invalid_grant');
    const unknown = await exchange('concierge', userToken, 'https://elsewhere.example/api');
    expect(await oauthError(unknown)).toBe('invalid_target');
  });

  it('refuses an exchange of a revoked subject token', async () => {
    const userToken = await aliceTokenForConcierge();
    expect(await env.identity.revokeAccessToken(userToken)).toBe(true);
    const response = await exchange('concierge', userToken, `${env.url}/a2a/scheduler`);
    expect(await oauthError(response)).toBe('invalid_grant');
  });

  it('binds an exchanged token to the DPoP key of the exchange request', async () => {
    const userToken = await aliceTokenForConcierge();
    const keyPair = await generateKeyPair('ES256');
    const client: oauth.Client = { client_id: 'concierge' };
    const response = await oauth.genericTokenEndpointRequest(
      as,
      client,
      await privateKeyJwt(agents.concierge?.privateJwk ?? {}),
      'urn:ietf:params:oauth:grant-type:token-exchange',
      {
        subject_token: userToken,
        subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        resource: `${env.url}/a2a/scheduler`,
      },
      { ...insecure, DPoP: oauth.DPoP(client, keyPair) },
    );
    const body = (await response.json()) as { access_token: string; token_type: string };
    expect(response.status).toBe(200);
    expect(body.token_type).toBe('DPoP');
    expect(claimsOf(body.access_token).cnf).toEqual({
      jkt: await calculateJwkThumbprint(await exportJWK(keyPair.publicKey)),
    });
    await expect(
      env.identity.authenticate(
        { method: 'POST', url: '/a2a/scheduler', headers: { authorization: `DPoP ${body.access_token}` } },
        { url: `${env.url}/a2a/scheduler` },
      ),
    ).rejects.toMatchObject({ code: 'ERR_AUTH_INVALID_DPOP_PROOF' });
  });

  it('exchanges a DPoP-bound subject token only with a proof by its key, and keeps the new token bound', async () => {
    const keyPair = await generateKeyPair('ES256');
    const jkt = await calculateJwkThumbprint(await exportJWK(keyPair.publicKey));
    const subjectToken = await dpopBoundToken('scheduler', keyPair, `${env.url}/mcp`);
    expect(claimsOf(subjectToken).cnf).toEqual({ jkt });
    const client: oauth.Client = { client_id: 'scheduler' };
    const resource = `${env.url}/mcp/calendar`;

    // Whoever holds the token but not its key gets nothing, with no proof or with one by another key.
    const withoutProof = await exchange('scheduler', subjectToken, resource);
    expect(withoutProof.status).toBe(400);
    expect(await oauthError(withoutProof)).toBe('invalid_grant');
    const otherKey = oauth.DPoP(client, await generateKeyPair('ES256'));
    const withOtherKey = await exchange('scheduler', subjectToken, resource, { dpop: otherKey });
    expect(withOtherKey.status).toBe(400);
    expect(await oauthError(withOtherKey)).toBe('invalid_grant');

    const response = await exchange('scheduler', subjectToken, resource, { dpop: oauth.DPoP(client, keyPair) });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { access_token: string; token_type: string };
    expect(body.token_type).toBe('DPoP');
    expect(claimsOf(body.access_token)).toMatchObject({ aud: resource, cnf: { jkt } });
    // The new token is as sender-constrained as the old: good with a proof by the key, refused as a bearer token.
    const proof = await new SignJWT({
      htm: 'POST',
      htu: resource,
      iat: Math.floor(Date.now() / 1000),
      jti: randomUUID(),
      ath: hashToken(body.access_token),
    })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: await exportJWK(keyPair.publicKey) })
      .sign(keyPair.privateKey);
    const caller = await env.identity.authenticate(
      { method: 'POST', url: '/mcp/calendar', headers: { authorization: `DPoP ${body.access_token}`, dpop: proof } },
      { url: resource },
    );
    expect(caller.principal).toEqual({ type: 'Agent', id: 'scheduler' });
    await expect(
      env.identity.authenticate(
        { method: 'POST', url: '/mcp/calendar', headers: { authorization: `Bearer ${body.access_token}` } },
        { url: resource },
      ),
    ).rejects.toMatchObject({ code: 'ERR_AUTH_INVALID_DPOP_PROOF' });
  });

  it('exchanges a bearer subject token without a proof, as a bearer token', async () => {
    const response = await clientCredentials('scheduler', { resource: `${env.url}/mcp` });
    const tokens = await oauth.processClientCredentialsResponse(as, { client_id: 'scheduler' }, response);
    const exchanged = await exchange('scheduler', tokens.access_token, `${env.url}/mcp/calendar`);
    expect(exchanged.status).toBe(200);
    const body = (await exchanged.json()) as { access_token: string; token_type: string };
    expect(body.token_type).toBe('Bearer');
    expect(claimsOf(body.access_token)).not.toHaveProperty('cnf');
  });

  it('exchanges a DPoP-bound token in process only when the caller says its proof was checked', async () => {
    const subjectToken = await dpopBoundToken('scheduler', await generateKeyPair('ES256'), `${env.url}/mcp`);
    const request = {
      subjectToken,
      subjectTokenType: 'urn:ietf:params:oauth:token-type:access_token',
      actorClientId: 'scheduler',
      resource: `${env.url}/mcp/calendar`,
    };
    await expect(env.identity.exchangeToken(request)).rejects.toMatchObject({
      code: 'ERR_EXCHANGE_DPOP_PROOF_REQUIRED',
      oauthError: 'invalid_grant',
    });
    const result = await env.identity.exchangeToken({ ...request, possessionProven: true });
    expect(result.tokenType).toBe('Bearer');
  });

  it('binds tokens to a DPoP key and refuses them without a valid proof', async () => {
    const keyPair = await generateKeyPair('ES256');
    const client: oauth.Client = { client_id: 'ops' };
    const dpop = oauth.DPoP(client, keyPair);
    const auth = await privateKeyJwt(agents.ops?.privateJwk ?? {});
    const resource = `${env.url}/admin`;
    let response = await oauth.clientCredentialsGrantRequest(
      as,
      client,
      auth,
      { resource },
      { ...insecure, DPoP: dpop },
    );
    if (!response.ok) {
      // oidc-provider may ask for a nonce first (use_dpop_nonce); oauth4webapi remembers it.
      response = await oauth.clientCredentialsGrantRequest(as, client, auth, { resource }, { ...insecure, DPoP: dpop });
    }
    const tokens = await oauth.processClientCredentialsResponse(as, client, response);
    expect(tokens.token_type).toBe('dpop');
    expect(claimsOf(tokens.access_token).cnf).toHaveProperty('jkt');
    const url = new URL(`${env.url}/admin/agents`);
    const ok = await oauth.protectedResourceRequest(tokens.access_token, 'GET', url, new Headers(), null, {
      ...insecure,
      DPoP: dpop,
    });
    expect(ok.status).toBe(200);
    // Without a proof, or as a plain bearer token, the bound token is refused.
    const bare = await fetch(url, { headers: { authorization: `DPoP ${tokens.access_token}` } });
    expect(bare.status).toBe(401);
    expect(bare.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const bearer = await fetch(url, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(bearer.status).toBe(401);
    // A proof for another URL is refused, and a proof is good for one request only.
    const proof = (htu: string) =>
      new SignJWT({
        htm: 'GET',
        htu,
        iat: Math.floor(Date.now() / 1000),
        jti: randomUUID(),
        ath: hashToken(tokens.access_token),
      })
        .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: publicJwk })
        .sign(keyPair.privateKey);
    const publicJwk = await exportJWK(keyPair.publicKey);
    const headers = (dpopProof: string) => ({ authorization: `DPoP ${tokens.access_token}`, dpop: dpopProof });
    const wrongUrl = await fetch(url, { headers: headers(await proof(`${env.url}/admin/users`)) });
    expect(wrongUrl.status).toBe(401);
    const once = await proof(url.href);
    expect((await fetch(url, { headers: headers(once) })).status).toBe(200);
    const replayed = await fetch(url, { headers: headers(once) });
    expect(replayed.status).toBe(401);
    expect(replayed.headers.get('www-authenticate')).toContain('already used');
  });
});

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
