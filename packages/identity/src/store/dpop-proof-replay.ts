import type { Clock } from '@parley/core';
import type { Store } from '@parley/store';

/** Where DPoP proof ids are remembered: `firstUse` is true only the first time a key is presented. */
export interface ProofReplayCache {
  firstUse(key: string, expiresAt: number): Promise<boolean>;
}

const PRUNE_EVERY_MS = 60_000;

/**
 * DPoP proof ids kept in the store for as long as a proof is fresh, so every
 * replica sees every proof: the insert is atomic (primary key), so a proof
 * replayed to another replica, even at the same moment, is refused.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-11.1
 */
export class StoreProofReplayCache implements ProofReplayCache {
  readonly #store: Store;
  readonly #clock: Clock;
  #prunedAt = 0;

  constructor(store: Store, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  async firstUse(key: string, expiresAt: number): Promise<boolean> {
    await this.#prune();
    const result = await this.#store.db
      .insertInto('identity_dpop_proofs')
      .values({ key, expires_at: expiresAt })
      .onConflict((oc) => oc.column('key').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  async #prune(): Promise<void> {
    const now = this.#clock.now();
    if (now - this.#prunedAt < PRUNE_EVERY_MS) return;
    this.#prunedAt = now;
    await this.#store.db.deleteFrom('identity_dpop_proofs').where('expires_at', '<', now).execute();
  }
}
