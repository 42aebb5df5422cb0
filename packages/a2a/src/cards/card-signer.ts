import type { AgentCard } from '../wire/schemas/agent-card.ts';
import type { AgentKeyStore } from './key-store.ts';
import { signAgentCard } from './sign-card.ts';

/**
 * Signs cards with a key from the key store and caches the result until the
 * card or the key changes (keys rotate; cards are served often).
 */
export class CardSigner {
  readonly #keys: AgentKeyStore;
  readonly #cache = new Map<string, { source: string; kid: string; card: AgentCard }>();

  constructor(keys: AgentKeyStore) {
    this.#keys = keys;
  }

  /** `card` signed with the key of `keyName`. */
  async sign(keyName: string, card: AgentCard, jku?: string): Promise<AgentCard> {
    const key = await this.#keys.signingKey(keyName);
    const source = JSON.stringify(card);
    const cacheKey = `${keyName}\n${card.supportedInterfaces[0]?.url ?? ''}`;
    const cached = this.#cache.get(cacheKey);
    if (cached && cached.kid === key.kid && cached.source === source) return cached.card;
    const signed = await signAgentCard(card, key, jku);
    this.#cache.set(cacheKey, { source, kid: key.kid, card: signed });
    return signed;
  }
}
