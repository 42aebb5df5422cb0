import { InProcessBus, ManualClock } from '@parley/core';
import { type Store, testStoreBackends } from '@parley/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyMatches } from '../secrets/api-key-secret.ts';
import { PrincipalDirectory } from './directory.ts';

/** Resolves once `check` holds, re-checking after each bus delivery (bounded). */
async function eventually(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(check()).toBe(true);
}

describe.each(testStoreBackends())('PrincipalDirectory on $name', (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  const bus = new InProcessBus();
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  let here: PrincipalDirectory;
  let replica: PrincipalDirectory;

  beforeAll(async () => {
    ({ store, dispose } = await backend.open());
    here = new PrincipalDirectory(store, bus, clock);
    replica = new PrincipalDirectory(store, bus, clock);
    await here.start();
    await replica.start();
  });
  afterAll(async () => {
    here?.stop();
    replica?.stop();
    await dispose?.();
  });

  it('applies a change locally at once and on another replica through the bus', async () => {
    await here.createPrincipal({ name: 'scheduler', kind: 'agent', clientId: 'scheduler', roles: ['agent'] });
    expect(here.principalByClientId('scheduler')).toMatchObject({ name: 'scheduler', disabled: false });
    await eventually(() => replica.principal('scheduler') !== undefined);
    await here.setDisabled('scheduler', true);
    expect(here.principal('scheduler')?.disabled).toBe(true);
    await eventually(() => replica.principal('scheduler')?.disabled === true);
  });

  it('refuses a duplicate name', async () => {
    await here.createPrincipal({ name: 'alice', kind: 'user' });
    await expect(here.createPrincipal({ name: 'alice', kind: 'agent' })).rejects.toMatchObject({
      code: 'ERR_CONFLICT',
    });
  });

  it('stores only a hash of an API key, and revocation reaches every replica', async () => {
    const { key, record } = await here.createApiKey({
      principal: 'alice',
      scopes: ['a'],
      resources: [],
      expiresAt: null,
    });
    const row = await store.db
      .selectFrom('identity_api_keys')
      .selectAll()
      .where('id', '=', record.id)
      .executeTakeFirstOrThrow();
    // prl_<id>_<secret>: the id has no '_', the base64url secret may.
    const secret = key.slice(key.indexOf('_', 'prl_'.length) + 1);
    expect(secret).toHaveLength(43);
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(apiKeyMatches(key, row.secret_hash)).toBe(true);
    await eventually(() => replica.apiKey(record.id) !== undefined);
    await here.revokeApiKey(record.id);
    await eventually(() => replica.apiKey(record.id)?.revokedAt !== null);
  });

  it('loads revoked tokens at start, until they expire', async () => {
    await here.revokeToken('jti-1', clock.now() + 60_000);
    await eventually(() => replica.isTokenRevoked('jti-1'));
    const fresh = new PrincipalDirectory(store, bus, clock);
    await fresh.start();
    expect(fresh.isTokenRevoked('jti-1')).toBe(true);
    fresh.stop();
    clock.advance(61_000);
    const later = new PrincipalDirectory(store, bus, clock);
    await later.start();
    expect(later.isTokenRevoked('jti-1')).toBe(false);
    later.stop();
  });
});
