import type { CreatedAgent } from '@parley/identity';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IdentityMesh, startIdentityMesh } from './mesh.ts';
import { discover, insecure, privateKeyJwt } from './oauth.ts';

describe('RFC 7009 revocation of JWT access tokens at /oauth/revocation', () => {
  let env: IdentityMesh;
  let as: oauth.AuthorizationServer;
  let resource: string;
  const agents: Record<string, CreatedAgent> = {};

  beforeAll(async () => {
    env = await startIdentityMesh();
    as = await discover(env.url);
    resource = `${env.url}/mcp`;
    agents.keyed = await env.identity.createAgent({ name: 'keyed' });
    agents.service = await env.identity.createAgent({ name: 'service', authMethod: 'client_secret_basic' });
  });
  afterAll(async () => {
    await env?.close();
  });

  async function auth(name: string): Promise<oauth.ClientAuth> {
    const agent = agents[name];
    if (!agent) throw new Error(name);
    return agent.privateJwk ? privateKeyJwt(agent.privateJwk) : oauth.ClientSecretBasic(agent.clientSecret ?? '');
  }

  async function tokenOf(name: string): Promise<string> {
    const client = { client_id: name };
    const response = await oauth.clientCredentialsGrantRequest(as, client, await auth(name), { resource }, insecure);
    return (await oauth.processClientCredentialsResponse(as, client, response)).access_token;
  }

  async function revoke(name: string, token: string): Promise<Response> {
    return oauth.revocationRequest(as, { client_id: name }, await auth(name), token, insecure);
  }

  const accepted = (token: string) =>
    env.identity
      .authenticate({ method: 'POST', url: resource, headers: { authorization: `Bearer ${token}` } }, { url: resource })
      .then(
        () => true,
        () => false,
      );

  it("revokes the client's own token: 200, then refused at once", async () => {
    for (const name of ['service', 'keyed']) {
      const token = await tokenOf(name);
      expect(await accepted(token)).toBe(true);
      const response = await revoke(name, token);
      expect(response.status).toBe(200);
      await oauth.processRevocationResponse(response);
      expect(await accepted(token)).toBe(false);
    }
  });

  it("answers 200 but does not revoke another client's token", async () => {
    const token = await tokenOf('keyed');
    const response = await revoke('service', token);
    expect(response.status).toBe(200);
    expect(await accepted(token)).toBe(true);
  });

  it('answers 200 to garbage and to a JWT that is not ours', async () => {
    expect((await revoke('service', 'not-a-token')).status).toBe(200);
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"jti":"x"}').toString('base64url')}.`;
    expect((await revoke('service', unsigned)).status).toBe(200);
  });

  it('still refuses an unauthenticated revocation request', async () => {
    const token = await tokenOf('service');
    const response = await oauth.revocationRequest(
      as,
      { client_id: 'service' },
      oauth.ClientSecretBasic('wrong'),
      token,
      insecure,
    );
    expect(response.status).toBe(401);
    expect(await accepted(token)).toBe(true);
  });
});
