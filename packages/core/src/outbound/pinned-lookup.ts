import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';

/**
 * A `lookup` for `http.request` that answers with the addresses already vetted
 * and never asks DNS again, so a second, rebound answer can't redirect the
 * connection to an address that was not checked.
 */
export function pinnedLookup(vetted: readonly LookupAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const first = vetted[0];
    process.nextTick(() => {
      if (first === undefined) {
        callback(Object.assign(new Error('no vetted address'), { code: 'ENOTFOUND' }), []);
      } else if (options.all === true) {
        callback(
          null,
          vetted.map(({ address, family }) => ({ address, family })),
        );
      } else {
        callback(null, first.address, first.family);
      }
    });
  };
}
