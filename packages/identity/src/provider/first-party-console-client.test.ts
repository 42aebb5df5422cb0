import { InProcessBus, silentLogger, systemClock } from '@parley/core';
import { testStoreBackends } from '@parley/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdentityService } from '../identity-service.ts';

const settings = { accessTokenTtl: 600_000, refreshTokenTtl: 86_400_000, maxDelegationDepth: 4, trustedIssuers: [] };
const BASE = 'http://127.0.0.1:7070';

/** The console registers itself like this at start (packages/server/src/mesh/parts/console.ts). */
const consoleClient = (redirectUri: string) =>
  ({
    clientId: 'parley-console',
    clientName: 'Parley console',
    grantTypes: ['authorization_code'],
    redirectUris: [redirectUri],
    tokenEndpointAuthMethod: 'none',
  }) as const;

describe('IdentityService.registerFirstPartyClient', () => {
  let identity: IdentityService;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    const backend = testStoreBackends()[0];
    if (!backend) throw new Error('no store backend');
    const opened = await backend.open();
    dispose = opened.dispose;
    identity = await IdentityService.start({
      baseUrl: BASE,
      store: opened.store,
      bus: new InProcessBus(),
      clock: systemClock,
      logger: silentLogger(),
      settings,
      fetch,
    });
  });
  afterAll(async () => {
    await identity?.stop();
    await dispose?.();
  });

  it('registers a public code + PKCE client the authorization server knows, and re-registers idempotently', async () => {
    await identity.registerFirstPartyClient(consoleClient(`${BASE}/console/callback`));
    const client = await identity.provider.Client.find('parley-console');
    expect(client).toMatchObject({
      clientId: 'parley-console',
      clientName: 'Parley console',
      grantTypes: ['authorization_code'],
      responseTypes: ['code'],
      redirectUris: [`${BASE}/console/callback`],
      tokenEndpointAuthMethod: 'none',
    });
    expect(client?.clientSecret).toBeUndefined();

    // Every replica and restart registers again; the last registration is the one in force.
    await identity.registerFirstPartyClient(consoleClient('https://parley.example/console/callback'));
    await identity.registerFirstPartyClient(consoleClient('https://parley.example/console/callback'));
    const again = await identity.provider.Client.find('parley-console');
    expect(again?.redirectUris).toEqual(['https://parley.example/console/callback']);
  });
});
