import { ManualClock } from '@parley/core';
import type { CreatedAgent } from '@parley/identity';
import { generateKeyPair, SignJWT } from 'jose';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IdentityMesh, startIdentityMesh } from './mesh.ts';
import { claimsOf, discover, insecure, privateKeyJwt } from './oauth.ts';

describe('the request verifier', () => {
  let env: IdentityMesh;
  let as: oauth.AuthorizationServer;
  let agent: CreatedAgent;
  const clock = new ManualClock(Date.now());
  let mcp: string;

  beforeAll(async () => {
    env = await startIdentityMesh({ clock });
    mcp = `${env.url}/mcp`;
    as = await discover(env.url);
    agent = await env.identity.createAgent({ name: 'scheduler' });
    await env.identity.createUser({ username: 'bob', password: 'correct horse battery' });
  });
  afterAll(async () => {
    await env?.close();
  });

  async function agentToken(resource = mcp, scope = 'calendar:read'): Promise<string> {
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      { client_id: agent.clientId },
      await privateKeyJwt(agent.privateJwk ?? {}),
      { resource, scope },
      insecure,
    );
    return (await oauth.processClientCredentialsResponse(as, { client_id: agent.clientId }, response)).access_token;
  }

  function authenticate(credential: string, resource = mcp, requiredScopes: string[] = []) {
    return env.identity.authenticate(
      { method: 'GET', url: new URL(resource).pathname, headers: { authorization: `Bearer ${credential}` } },
      { url: resource, requiredScopes },
    );
  }

  it('answers a request without credentials with a 401 challenge naming the resource metadata', async () => {
    const error = await env.identity
      .authenticate({ method: 'GET', url: '/mcp', headers: {} }, { url: mcp })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 401, code: 'ERR_AUTH_MISSING_CREDENTIAL' });
    expect((error as { challenge: string }).challenge).toBe(
      `Bearer realm="parley", resource_metadata="${env.url}/.well-known/oauth-protected-resource/mcp"`,
    );
  });

  it('answers a missing scope with 403 insufficient_scope naming the scope', async () => {
    const token = await agentToken();
    const error = await authenticate(token, mcp, ['calendar:write']).catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 403,
      code: 'ERR_AUTH_INSUFFICIENT_SCOPE',
      requiredScopes: ['calendar:write'],
    });
    expect((error as { challenge: string }).challenge).toContain('error="insufficient_scope", ');
    expect((error as { challenge: string }).challenge).toContain('scope="calendar:write"');
  });

  it('refuses an expired token (frozen clock moved past exp)', async () => {
    const token = await agentToken();
    await expect(authenticate(token)).resolves.toBeDefined();
    const exp = claimsOf(token).exp as number;
    clock.set(exp * 1000 + 1);
    try {
      const error = await authenticate(token).catch((e: unknown) => e);
      expect(error).toMatchObject({ status: 401, code: 'ERR_AUTH_TOKEN_EXPIRED' });
      expect((error as { challenge: string }).challenge).toContain('error="invalid_token"');
    } finally {
      clock.set(Date.now());
    }
  });

  it('refuses a tampered payload and a tampered signature', async () => {
    const token = await agentToken();
    const [header, payload, signature] = token.split('.');
    const widened = Buffer.from(JSON.stringify({ ...claimsOf(token), scope: 'calendar:read admin' })).toString(
      'base64url',
    );
    await expect(authenticate(`${header}.${widened}.${signature}`)).rejects.toMatchObject({
      code: 'ERR_AUTH_BAD_SIGNATURE',
    });
    const flipped = `${signature?.slice(0, -4)}${signature?.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    await expect(authenticate(`${header}.${payload}.${flipped}`)).rejects.toMatchObject({
      code: 'ERR_AUTH_BAD_SIGNATURE',
    });
  });

  it('refuses alg none', async () => {
    const claims = claimsOf(await agentToken());
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url');
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    await expect(authenticate(`${header}.${body}.`)).rejects.toMatchObject({ code: 'ERR_AUTH_UNSUPPORTED_ALG' });
  });

  it('refuses a token signed with an unknown kid', async () => {
    const claims = claimsOf(await agentToken());
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'not-ours' }).sign(privateKey);
    await expect(authenticate(forged)).rejects.toMatchObject({ code: 'ERR_AUTH_UNKNOWN_KEY' });
    // Claiming one of our kids does not help either.
    const ours = JSON.parse(Buffer.from((await agentToken()).split('.')[0] ?? '', 'base64url').toString()) as {
      kid: string;
    };
    const spoofed = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: ours.kid }).sign(privateKey);
    await expect(authenticate(spoofed)).rejects.toMatchObject({ code: 'ERR_AUTH_BAD_SIGNATURE' });
  });

  it('refuses a revoked token at once', async () => {
    const token = await agentToken();
    await expect(authenticate(token)).resolves.toBeDefined();
    expect(await env.identity.revokeAccessToken(token)).toBe(true);
    await expect(authenticate(token)).rejects.toMatchObject({ code: 'ERR_AUTH_TOKEN_REVOKED' });
  });

  it('keeps verifying tokens of the previous signing key after a rotation', async () => {
    const before = await agentToken();
    const oldKid = JSON.parse(Buffer.from(before.split('.')[0] ?? '', 'base64url').toString()).kid as string;
    const { kid, retired } = await env.identity.rotateSigningKeys();
    expect(retired).toContain(oldKid);
    const after = await agentToken();
    expect(JSON.parse(Buffer.from(after.split('.')[0] ?? '', 'base64url').toString()).kid).toBe(kid);
    await expect(authenticate(before)).resolves.toMatchObject({ principal: { id: 'scheduler' } });
    await expect(authenticate(after)).resolves.toMatchObject({ principal: { id: 'scheduler' } });
    const jwks = (await (await fetch(`${env.url}/oauth/jwks`)).json()) as { keys: Array<{ kid: string }> };
    expect(jwks.keys.map((k) => k.kid).sort()).toEqual([kid, oldKid].sort());
  });

  describe('API keys', () => {
    it('accepts a key as a bearer credential with its scopes, and refuses it elsewhere when bound', async () => {
      const { key, record } = await env.identity.createApiKey({
        principal: 'bob',
        scopes: ['mcp:tools'],
        resources: [mcp],
      });
      expect(key.startsWith('prl_')).toBe(true);
      await expect(authenticate(key, mcp, ['mcp:tools'])).resolves.toMatchObject({
        principal: { type: 'User', id: 'bob' },
        onBehalfOf: { type: 'User', id: 'bob' },
        credential: 'api-key',
        credentialId: record.id,
      });
      await expect(authenticate(key, `${env.url}/a2a/scheduler`)).rejects.toMatchObject({
        code: 'ERR_AUTH_WRONG_AUDIENCE',
      });
      await expect(authenticate(key, mcp, ['mcp:admin'])).rejects.toMatchObject({ status: 403 });
      const forged = `${key.slice(0, -3)}abc`;
      await expect(authenticate(forged)).rejects.toMatchObject({ code: 'ERR_AUTH_UNKNOWN_KEY' });
    });

    it('refuses a revoked key and an expired key', async () => {
      const { key, record } = await env.identity.createApiKey({ principal: 'bob', scopes: [] });
      await env.identity.revokeApiKey(record.id);
      await expect(authenticate(key)).rejects.toMatchObject({ code: 'ERR_AUTH_KEY_REVOKED' });
      const short = await env.identity.createApiKey({ principal: 'bob', scopes: [], expiresInMs: 60_000 });
      await expect(authenticate(short.key)).resolves.toBeDefined();
      clock.advance(61_000);
      try {
        await expect(authenticate(short.key)).rejects.toMatchObject({ code: 'ERR_AUTH_KEY_EXPIRED' });
      } finally {
        clock.set(Date.now());
      }
    });
  });

  it('refuses every token and key of a disabled principal at once', async () => {
    const token = await agentToken();
    const other = await env.identity.createUser({ username: 'carol', password: 'correct horse battery' });
    const { key } = await env.identity.createApiKey({ principal: other.username, scopes: [] });
    await expect(authenticate(token)).resolves.toBeDefined();
    await expect(authenticate(key)).resolves.toBeDefined();
    await env.identity.setDisabled('scheduler', 'agent', true);
    await env.identity.setDisabled('carol', 'user', true);
    try {
      await expect(authenticate(token)).rejects.toMatchObject({ code: 'ERR_AUTH_PRINCIPAL_DISABLED' });
      await expect(authenticate(key)).rejects.toMatchObject({ code: 'ERR_AUTH_PRINCIPAL_DISABLED' });
      // A disabled agent cannot obtain new tokens either.
      const response = await oauth.clientCredentialsGrantRequest(
        as,
        { client_id: agent.clientId },
        await privateKeyJwt(agent.privateJwk ?? {}),
        { resource: mcp },
        insecure,
      );
      expect(response.status).toBe(401);
    } finally {
      await env.identity.setDisabled('scheduler', 'agent', false);
    }
  });
});
