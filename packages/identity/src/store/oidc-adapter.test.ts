import { ManualClock } from '@parley/core';
import { type Store, testStoreBackends } from '@parley/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreAdapter } from './oidc-adapter.ts';

describe.each(testStoreBackends())('StoreAdapter on $name', (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  const clock = new ManualClock(Date.UTC(2026, 0, 1));

  beforeAll(async () => {
    ({ store, dispose } = await backend.open());
  });
  afterAll(async () => {
    await dispose?.();
  });

  it('stores, finds, consumes and destroys a model instance', async () => {
    const codes = new StoreAdapter('AuthorizationCode', store, clock);
    await codes.upsert('c1', { accountId: 'alice', grantId: 'g1', scope: 'openid' }, 60);
    expect(await codes.find('c1')).toMatchObject({ accountId: 'alice', grantId: 'g1' });
    expect((await codes.find('c1'))?.consumed).toBeUndefined();
    await codes.consume('c1');
    expect((await codes.find('c1'))?.consumed).toBe(Math.floor(clock.now() / 1000));
    // Models are separate namespaces.
    expect(await new StoreAdapter('RefreshToken', store, clock).find('c1')).toBeUndefined();
    await codes.destroy('c1');
    expect(await codes.find('c1')).toBeUndefined();
  });

  it('hides expired instances and sweeps them', async () => {
    const sessions = new StoreAdapter('Session', store, clock);
    await sessions.upsert('s1', { uid: 'u1', accountId: 'alice' }, 10);
    expect(await sessions.findByUid('u1')).toMatchObject({ accountId: 'alice' });
    clock.advance(11_000);
    expect(await sessions.find('s1')).toBeUndefined();
    expect(await StoreAdapter.sweep(store, clock)).toBeGreaterThanOrEqual(1);
  });

  it('finds by user code and revokes everything of a grant', async () => {
    const devices = new StoreAdapter('DeviceCode', store, clock);
    await devices.upsert('d1', { userCode: 'ABCD-EFGH', grantId: 'g2' }, 600);
    expect(await devices.findByUserCode('ABCD-EFGH')).toMatchObject({ grantId: 'g2' });
    const refresh = new StoreAdapter('RefreshToken', store, clock);
    await refresh.upsert('r1', { grantId: 'g2' }, 600);
    await refresh.upsert('r2', { grantId: 'g3' }, 600);
    await refresh.revokeByGrantId('g2');
    expect(await refresh.find('r1')).toBeUndefined();
    expect(await refresh.find('r2')).toBeDefined();
  });

  it('overwrites on upsert and keeps clients without expiry', async () => {
    const clients = new StoreAdapter('Client', store, clock, (id) => id === 'blocked');
    await clients.upsert('app', { client_id: 'app', client_name: 'one' });
    await clients.upsert('app', { client_id: 'app', client_name: 'two' });
    clock.advance(365 * 24 * 3600 * 1000);
    expect(await clients.find('app')).toMatchObject({ client_name: 'two' });
    await clients.upsert('blocked', { client_id: 'blocked' });
    expect(await clients.find('blocked')).toBeUndefined();
  });
});
