import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IdentityMesh, startIdentityMesh } from './mesh.ts';

describe('trusted external issuers', () => {
  let env: IdentityMesh;
  let issuer: string;
  let server: Server;
  let sign: (claims: Record<string, unknown>) => Promise<string>;

  beforeAll(async () => {
    // A fake OpenID provider on 127.0.0.1: discovery plus JWKS.
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'ext-1', alg: 'ES256', use: 'sig' };
    server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/.well-known/openid-configuration')
        res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
      else if (req.url === '/jwks') res.end(JSON.stringify({ keys: [jwk] }));
      else res.writeHead(404).end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    sign = (claims) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: 'ext-1' })
        .setIssuer(issuer)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey);
    env = await startIdentityMesh({
      identity: { trustedIssuers: [{ issuer, claims: { username: 'email' } }] },
      outbound: { allowedHosts: [`127.0.0.1:${(server.address() as AddressInfo).port}`] },
    });
  });
  afterAll(async () => {
    await env?.close();
    server?.close();
  });

  function authenticate(token: string) {
    return env.identity.authenticate(
      { method: 'GET', url: '/mcp', headers: { authorization: `Bearer ${token}` } },
      { url: `${env.url}/mcp`, requiredScopes: ['mcp:tools'] },
    );
  }

  it('accepts a token of the trusted issuer and maps its claims to a user', async () => {
    const token = await sign({ sub: 'ext|123', email: 'erin', scope: 'mcp:tools', aud: `${env.url}/mcp` });
    await expect(authenticate(token)).resolves.toMatchObject({
      principal: { type: 'User', id: 'erin' },
      onBehalfOf: { type: 'User', id: 'erin' },
      credential: 'external-token',
      scopes: ['mcp:tools'],
    });
  });

  it('refuses its tokens for another audience, or signed by another key', async () => {
    const wrongAudience = await sign({ sub: 'ext|123', email: 'erin', scope: 'mcp:tools', aud: `${env.url}/a2a/x` });
    await expect(authenticate(wrongAudience)).rejects.toMatchObject({ code: 'ERR_AUTH_WRONG_AUDIENCE' });
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({ sub: 'x', email: 'erin', scope: 'mcp:tools', aud: `${env.url}/mcp` })
      .setProtectedHeader({ alg: 'ES256', kid: 'ext-1' })
      .setIssuer(issuer)
      .setExpirationTime('5m')
      .sign(privateKey);
    await expect(authenticate(forged)).rejects.toMatchObject({ status: 401 });
  });

  it('refuses a token of an issuer that is not trusted', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const token = await new SignJWT({ sub: 'x', aud: `${env.url}/mcp` })
      .setProtectedHeader({ alg: 'ES256' })
      .setIssuer('https://untrusted.example')
      .setExpirationTime('5m')
      .sign(privateKey);
    await expect(authenticate(token)).rejects.toMatchObject({ code: 'ERR_AUTH_WRONG_ISSUER' });
  });
});
