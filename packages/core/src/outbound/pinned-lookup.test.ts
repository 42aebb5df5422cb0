import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { describe, expect, it } from 'vitest';
import { pinnedLookup } from './pinned-lookup.ts';

function ask(lookup: LookupFunction, hostname: string, all: boolean): Promise<unknown[]> {
  return new Promise((resolve) => lookup(hostname, { all }, (...args) => resolve(args)));
}

describe('pinnedLookup', () => {
  const vetted: LookupAddress[] = [
    { address: '203.0.113.10', family: 4 },
    { address: '2001:db8::10', family: 6 },
  ];

  it('answers every name with the vetted addresses, whatever DNS would say now', async () => {
    const lookup = pinnedLookup(vetted);
    expect(await ask(lookup, 'rebind.example', true)).toEqual([null, vetted]);
    expect(await ask(lookup, 'localhost', true)).toEqual([null, vetted]);
  });

  it('answers a single-address query with the first vetted address', async () => {
    expect(await ask(pinnedLookup(vetted), 'rebind.example', false)).toEqual([null, '203.0.113.10', 4]);
  });

  it('fails rather than fall back to DNS when nothing was vetted', async () => {
    const [err] = await ask(pinnedLookup([]), 'rebind.example', false);
    expect(err).toMatchObject({ code: 'ENOTFOUND' });
  });
});
