import { type Clock, sha256Hex } from '@parley/core';
import type { Store } from '@parley/store';
import type { AgentCard } from '../wire/schemas/agent-card.ts';
import { canonicalCardPayload } from './canonical-card.ts';
import type { AgentKeyStore } from './key-store.ts';
import { signAgentCard } from './sign-card.ts';

/**
 * Signs cards with a key from the key store and caches the result until the
 * card or the key changes (keys rotate; cards are served often). With a
 * store, the signatures are kept there too: ECDSA signs differently every
 * time, and a restarted server should serve the same signed card.
 */
export class CardSigner {
  readonly #keys: AgentKeyStore;
  readonly #persist: { store: Store; clock: Clock } | undefined;
  readonly #cache = new Map<string, { digest: string; card: AgentCard }>();

  constructor(keys: AgentKeyStore, persist?: { store: Store; clock: Clock }) {
    this.#keys = keys;
    this.#persist = persist;
  }

  /** `card` signed with the key of `keyName`. */
  async sign(keyName: string, card: AgentCard, jku?: string): Promise<AgentCard> {
    const key = await this.#keys.signingKey(keyName);
    const url = card.supportedInterfaces[0]?.url ?? '';
    const digest = sha256Hex(`${key.kid}\n${jku ?? ''}\n${canonicalCardPayload(card)}`);
    const cacheKey = `${keyName}\n${url}`;
    const cached = this.#cache.get(cacheKey);
    if (cached?.digest === digest) return cached.card;
    const { signatures: _previous, ...unsigned } = card;
    const kept = await this.#kept(keyName, url, digest);
    const signed = kept ? { ...unsigned, signatures: kept } : await signAgentCard(card, key, jku);
    if (!kept) await this.#keep(keyName, url, digest, signed);
    this.#cache.set(cacheKey, { digest, card: signed });
    return signed;
  }

  async #kept(keyName: string, url: string, digest: string): Promise<AgentCard['signatures'] | undefined> {
    if (!this.#persist) return undefined;
    const row = await this.#persist.store.db
      .selectFrom('a2a_card_signatures')
      .select(['digest', 'signatures'])
      .where('key_name', '=', keyName)
      .where('url', '=', url)
      .executeTakeFirst();
    return row?.digest === digest ? (JSON.parse(row.signatures) as AgentCard['signatures']) : undefined;
  }

  async #keep(keyName: string, url: string, digest: string, signed: AgentCard): Promise<void> {
    if (!this.#persist) return;
    const values = {
      key_name: keyName,
      url,
      digest,
      signatures: JSON.stringify(signed.signatures ?? []),
      created_at: this.#persist.clock.now(),
    };
    await this.#persist.store.db
      .insertInto('a2a_card_signatures')
      .values(values)
      .onConflict((oc) => oc.columns(['key_name', 'url']).doUpdateSet({ digest, signatures: values.signatures }))
      .execute();
  }
}
