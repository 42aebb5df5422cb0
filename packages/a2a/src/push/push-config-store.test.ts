import { ManualClock } from '@parley/core';
import { type TestStoreBackend, testStoreBackends } from '@parley/store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PushConfigStore } from './push-config-store.ts';

describe.each(testStoreBackends())('push configs on $name', (backend: TestStoreBackend) => {
  let opened: Awaited<ReturnType<TestStoreBackend['open']>>;
  let clock: ManualClock;
  let configs: PushConfigStore;

  beforeEach(async () => {
    opened = await backend.open();
    clock = new ManualClock(Date.UTC(2026, 0, 5, 9));
    configs = new PushConfigStore(opened.store, clock, { allowPrivateNetworks: true, allowedHosts: [] });
  });
  afterEach(async () => {
    await opened.dispose();
  });

  // A change is delivered to the configs that existed when it happened: the
  // sender looks them up later, and a config created meanwhile must not hear
  // of a change from before it (it arrived first on a slow store).
  it('delivers to the configs created by the time of a change, not to later ones', async () => {
    const changedAt = clock.now();
    clock.advance(5);
    const config = await configs.create('echo', 'alice', { taskId: 't1', url: 'http://127.0.0.1:9/hook' });
    expect(await configs.deliveries('echo', 't1', changedAt)).toEqual([]);
    expect(await configs.deliveries('echo', 't1', clock.now())).toEqual([{ config, version: '1.0' }]);
  });
});
