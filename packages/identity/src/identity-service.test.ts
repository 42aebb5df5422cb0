import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InProcessBus, silentLogger, systemClock } from '@parley/core';
import { type Store, testStoreBackends } from '@parley/store';
import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_TYPE } from './exchange/token-exchange.ts';
import { IdentityService } from './identity-service.ts';

const settings = { accessTokenTtl: 600_000, refreshTokenTtl: 86_400_000, maxDelegationDepth: 4, trustedIssuers: [] };

/** Two replicas of the identity service over one store and one bus, each behind its own HTTP server. */
describe.each(testStoreBackends())('IdentityService replicas on $name', (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  const bus = new InProcessBus();
  const servers: Server[] = [];
  let a: IdentityService;
  let b: IdentityService;
  let issuer: string;

  async function replica(port?: number): Promise<{ service: IdentityService; url: string }> {
    let service: IdentityService | undefined;
    const server = createServer((req, res) => {
      if (!service) res.writeHead(503).end();
      else void service.handle(req, res);
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(port ?? 0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    service = await IdentityService.start({
      baseUrl: issuer ?? url,
      store,
      bus,
      clock: systemClock,
      logger: silentLogger(),
      settings,
      fetch,
    });
    return { service, url };
  }

  beforeAll(async () => {
    ({ store, dispose } = await backend.open());
    const first = await replica();
    a = first.service;
    issuer = first.url;
    b = (await replica()).service;
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    for (const server of servers) server.close();
    await dispose?.();
  });

  async function until(check: () => Promise<boolean> | boolean): Promise<void> {
    for (let i = 0; i < 200 && !(await check()); i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await check()).toBe(true);
  }

  const authenticate = (service: IdentityService, token: string, resource = `${issuer}/mcp`) =>
    service.authenticate(
      { method: 'GET', url: '/mcp', headers: { authorization: `Bearer ${token}` } },
      { url: resource },
    );

  it('issues a client_credentials token through the store-backed provider that the other replica verifies', async () => {
    const agent = await a.createAgent({ name: 'scheduler' });
    const as = await oauth.processDiscoveryResponse(
      new URL(issuer),
      await oauth.discoveryRequest(new URL(issuer), { algorithm: 'oauth2', [oauth.allowInsecureRequests]: true }),
    );
    const jwk = agent.privateJwk as JWK;
    const key = (await importJWK(jwk, 'ES256')) as CryptoKey;
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      { client_id: 'scheduler' },
      oauth.PrivateKeyJwt({ key, kid: jwk.kid ?? '' }),
      { resource: `${issuer}/mcp` },
      { [oauth.allowInsecureRequests]: true },
    );
    const { access_token: token } = await oauth.processClientCredentialsResponse(
      as,
      { client_id: 'scheduler' },
      response,
    );
    await until(() => b.directory.principal('scheduler') !== undefined);
    await expect(authenticate(b, token)).resolves.toMatchObject({ principal: { type: 'Agent', id: 'scheduler' } });
    await a.revokeAccessToken(token);
    await until(() =>
      authenticate(b, token).then(
        () => false,
        (e: { code?: string }) => e.code === 'ERR_AUTH_TOKEN_REVOKED',
      ),
    );
  });

  it('verifies on one replica what the other signed after a rotation there', async () => {
    await a.createUser({ username: 'alice', password: 'correct horse battery' });
    const { key } = await a.createApiKey({ principal: 'alice', scopes: ['mcp:tools'] });
    await until(() => b.isApiKeyValidFor(key, 'alice'));
    await a.rotateSigningKeys();
    const exchanged = await a.exchangeToken({
      subjectToken: key,
      subjectTokenType: TOKEN_TYPE.apiKey,
      actorClientId: 'scheduler',
      resource: `${issuer}/mcp`,
    });
    await until(() =>
      authenticate(b, exchanged.accessToken).then(
        () => true,
        () => false,
      ),
    );
    await expect(authenticate(b, exchanged.accessToken)).resolves.toMatchObject({
      onBehalfOf: { type: 'User', id: 'alice' },
      actorChain: ['scheduler'],
    });
  });

  it('refuses a DPoP proof replayed to the other replica', async () => {
    const agent = await a.createAgent({ name: 'replayer' });
    const as = await oauth.processDiscoveryResponse(
      new URL(issuer),
      await oauth.discoveryRequest(new URL(issuer), { algorithm: 'oauth2', [oauth.allowInsecureRequests]: true }),
    );
    const jwk = agent.privateJwk as JWK;
    const client: oauth.Client = { client_id: 'replayer' };
    const keyPair = await generateKeyPair('ES256');
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      client,
      oauth.PrivateKeyJwt({ key: (await importJWK(jwk, 'ES256')) as CryptoKey, kid: jwk.kid ?? '' }),
      { resource: `${issuer}/mcp` },
      { [oauth.allowInsecureRequests]: true, DPoP: oauth.DPoP(client, keyPair) },
    );
    const { access_token: token } = await oauth.processClientCredentialsResponse(as, client, response);
    await until(() => b.directory.principal('replayer') !== undefined);
    const proof = () =>
      new SignJWT({
        htm: 'GET',
        htu: `${issuer}/mcp`,
        iat: Math.floor(Date.now() / 1000),
        jti: randomUUID(),
        ath: createHash('sha256').update(token).digest('base64url'),
      });
    const sign = async (builder: SignJWT) =>
      builder
        .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: await exportJWK(keyPair.publicKey) })
        .sign(keyPair.privateKey);
    const call = (service: IdentityService, dpop: string) =>
      service.authenticate(
        { method: 'GET', url: `${issuer}/mcp`, headers: { authorization: `DPoP ${token}`, dpop } },
        { url: `${issuer}/mcp` },
      );
    const once = await sign(proof());
    await expect(call(a, once)).resolves.toMatchObject({ principal: { id: 'replayer' } });
    await expect(call(b, once)).rejects.toMatchObject({
      code: 'ERR_AUTH_INVALID_DPOP_PROOF',
      message: expect.stringContaining('already used'),
    });
    // A fresh proof of the same key is still fine on either replica.
    await expect(call(b, await sign(proof()))).resolves.toMatchObject({ principal: { id: 'replayer' } });
  });
});
