import type { Clock, GuardedFetch, Logger } from '@parley/core';
import { ConflictError, NotFoundError, sha256Hex, ValidationError } from '@parley/core';
import type { Store } from '@parley/store';
import type { JWK } from 'jose';
import { decodeProtectedHeader } from 'jose';
import { AGENT_CARD_PATH } from '../bindings/endpoint.ts';
import { canonicalCardPayload } from '../cards/canonical-card.ts';
import { verifyAgentCard } from '../cards/sign-card.ts';
import { type AgentCard, agentCardSchema } from '../wire/schemas/agent-card.ts';

/** A remote agent as the registry holds it. */
export interface RegisteredAgent {
  readonly name: string;
  readonly url: string;
  readonly card: AgentCard;
  readonly status: 'active' | 'held';
  readonly heldReason: string | undefined;
  readonly keySource: 'tofu' | 'jwks';
  readonly skills: readonly string[];
  readonly fetchedAt: number;
}

const NAME = /^[a-z][a-z0-9-]{0,62}$/;

/**
 * The remote agents an organisation trusts. Registering fetches the card
 * through the guarded client and verifies its signature: against the JWKS
 * given by the administrator, else trust on first use of the key the
 * signature's `jku` (or the agent's `/.well-known/jwks.json`) serves, which
 * is then pinned. A re-fetched card that changed, or is signed by another
 * key, is held until an administrator accepts it.
 */
export class AgentRegistry {
  readonly #store: Store;
  readonly #fetch: GuardedFetch;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #reserved: ReadonlySet<string>;

  constructor(options: {
    store: Store;
    fetch: GuardedFetch;
    clock: Clock;
    logger: Logger;
    reserved?: Iterable<string>;
  }) {
    this.#store = options.store;
    this.#fetch = options.fetch;
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#reserved = new Set(options.reserved ?? []);
  }

  /**
   * Registers the agent whose card is at `url`. A name already registered is
   * refused (ConflictError) unless `replace`: then the new card and keys are
   * held until an administrator accepts them, as a changed card is.
   */
  async register(input: { url: string; name?: string; jwks?: JWK[]; replace?: boolean }): Promise<RegisteredAgent> {
    const card = await this.#fetchCard(input.url);
    const name = input.name ?? slug(card.name);
    if (!NAME.test(name))
      throw new ValidationError(`agent name ${name} must be a lowercase slug`, [
        { path: 'name', message: 'must be a lowercase slug' },
      ]);
    if (this.#reserved.has(name)) throw new ConflictError(`agent name ${name} is taken by a local agent`);
    const keys = input.jwks ?? (await this.#discoverKeys(input.url, card));
    const verified = await verifyAgentCard(card, keys);
    if (!verified.ok)
      throw new ValidationError(`agent card signature: ${verified.message}`, [
        { path: 'card.signatures', message: verified.code },
      ]);
    const now = this.#clock.now();
    const keySource = input.jwks ? 'jwks' : 'tofu';
    const existing = await this.find(name);
    if (existing) {
      if (!input.replace) {
        throw new ConflictError(
          `agent ${name} is already registered; register it with replace to change its card and keys`,
        );
      }
      this.#logger.warn(
        { agent: name, url: input.url },
        'remote agent re-registered: held until an administrator accepts',
      );
      await this.#store.db
        .updateTable('a2a_agents')
        .set({
          status: 'held',
          held_reason: `it was registered again from ${input.url}`,
          pending_card: JSON.stringify(card),
          pending_jwks: JSON.stringify({ keys }),
          pending_url: input.url,
          pending_key_source: keySource,
          updated_at: now,
        })
        .where('name', '=', name)
        .execute();
      return this.get(name);
    }
    const row = {
      name,
      url: input.url,
      card: JSON.stringify(card),
      card_digest: cardDigest(card),
      jwks: JSON.stringify({ keys }),
      status: 'active',
      pending_card: null,
      pending_jwks: null,
      held_reason: null,
      key_source: keySource,
      fetched_at: now,
      created_at: now,
      updated_at: now,
    };
    // A concurrent registration of the same name loses here rather than replacing silently.
    const inserted = await this.#store.db
      .insertInto('a2a_agents')
      .values(row)
      .onConflict((oc) => oc.column('name').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) !== 1) {
      throw new ConflictError(
        `agent ${name} is already registered; register it with replace to change its card and keys`,
      );
    }
    return this.get(name);
  }

  async get(name: string): Promise<RegisteredAgent> {
    const row = await this.#store.db.selectFrom('a2a_agents').selectAll().where('name', '=', name).executeTakeFirst();
    if (!row) throw new NotFoundError(`agent ${name}`);
    return toAgent(row);
  }

  async find(name: string): Promise<RegisteredAgent | undefined> {
    return this.get(name).catch(() => undefined);
  }

  async list(): Promise<RegisteredAgent[]> {
    const rows = await this.#store.db.selectFrom('a2a_agents').selectAll().orderBy('name').execute();
    return rows.map(toAgent);
  }

  /**
   * Fetches the card again: unchanged refreshes `fetchedAt`; a changed card
   * (or one that does not verify against the pinned keys) is held.
   */
  async refresh(name: string): Promise<RegisteredAgent> {
    const row = await this.#store.db.selectFrom('a2a_agents').selectAll().where('name', '=', name).executeTakeFirst();
    if (!row) throw new NotFoundError(`agent ${name}`);
    const now = this.#clock.now();
    const card = await this.#fetchCard(row.url);
    const pinned = (JSON.parse(row.jwks) as { keys: JWK[] }).keys;
    const verified = await verifyAgentCard(card, pinned);
    const digest = cardDigest(card);
    if (verified.ok && digest === row.card_digest) {
      await this.#store.db.updateTable('a2a_agents').set({ fetched_at: now }).where('name', '=', name).execute();
      return this.get(name);
    }
    let pendingKeys: JWK[] | undefined;
    let reason = 'its card changed';
    if (!verified.ok) {
      reason =
        verified.code === 'unknown-key'
          ? 'its card is signed with a new key'
          : `its card does not verify (${verified.code})`;
      pendingKeys = await this.#discoverKeys(row.url, card).catch(() => undefined);
    }
    this.#logger.warn({ agent: name, reason }, 'remote agent held until an administrator accepts the change');
    await this.#store.db
      .updateTable('a2a_agents')
      .set({
        status: 'held',
        held_reason: reason,
        pending_card: JSON.stringify(card),
        pending_jwks: pendingKeys ? JSON.stringify({ keys: pendingKeys }) : null,
        pending_url: null,
        pending_key_source: null,
        fetched_at: now,
        updated_at: now,
      })
      .where('name', '=', name)
      .execute();
    return this.get(name);
  }

  /** Accepts a held change: the pending card (and keys) come into force. */
  async accept(name: string): Promise<RegisteredAgent> {
    const row = await this.#store.db.selectFrom('a2a_agents').selectAll().where('name', '=', name).executeTakeFirst();
    if (!row) throw new NotFoundError(`agent ${name}`);
    if (row.status !== 'held' || !row.pending_card) throw new ConflictError(`agent ${name} has no change to accept`);
    const card = JSON.parse(row.pending_card) as AgentCard;
    const keys = row.pending_jwks
      ? (JSON.parse(row.pending_jwks) as { keys: JWK[] }).keys
      : (JSON.parse(row.jwks) as { keys: JWK[] }).keys;
    const verified = await verifyAgentCard(card, keys);
    if (!verified.ok)
      throw new ConflictError(
        `the held card of ${name} does not verify (${verified.code}); register it again with its keys`,
      );
    await this.#store.db
      .updateTable('a2a_agents')
      .set({
        card: row.pending_card,
        card_digest: cardDigest(card),
        jwks: JSON.stringify({ keys }),
        status: 'active',
        pending_card: null,
        pending_jwks: null,
        ...(row.pending_url ? { url: row.pending_url } : {}),
        ...(row.pending_key_source ? { key_source: row.pending_key_source } : {}),
        pending_url: null,
        pending_key_source: null,
        held_reason: null,
        updated_at: this.#clock.now(),
      })
      .where('name', '=', name)
      .execute();
    return this.get(name);
  }

  async remove(name: string): Promise<void> {
    await this.get(name);
    await this.#store.db.deleteFrom('a2a_agents').where('name', '=', name).execute();
  }

  async #fetchCard(url: string): Promise<AgentCard> {
    const cardUrl = url.endsWith('.json') ? url : `${url.replace(/\/+$/, '')}${AGENT_CARD_PATH}`;
    const response = await this.#fetch(cardUrl, { headers: { accept: 'application/json' } });
    if (!response.ok) throw new ValidationError(`fetching the agent card at ${cardUrl} answered ${response.status}`);
    const parsed = agentCardSchema.safeParse(response.json());
    if (!parsed.success) {
      throw new ValidationError(
        `${cardUrl} is not an A2A 1.0 agent card`,
        parsed.error.issues
          .slice(0, 5)
          .map((issue) => ({ path: `card.${issue.path.join('.')}`, message: issue.message })),
      );
    }
    return parsed.data;
  }

  async #discoverKeys(url: string, card: AgentCard): Promise<JWK[]> {
    const jku = card.signatures
      ?.map((signature) => {
        try {
          return decodeProtectedHeader({ protected: signature.protected, payload: '', signature: signature.signature })
            .jku;
        } catch {
          return undefined;
        }
      })
      .find((value): value is string => typeof value === 'string');
    const jwksUrl = jku ?? `${new URL(url).origin}/.well-known/jwks.json`;
    const response = await this.#fetch(jwksUrl, { headers: { accept: 'application/json' } });
    if (!response.ok) throw new ValidationError(`fetching the agent's keys at ${jwksUrl} answered ${response.status}`);
    const keys = (response.json() as { keys?: unknown }).keys;
    if (!Array.isArray(keys) || keys.length === 0) throw new ValidationError(`${jwksUrl} holds no keys`);
    return keys as JWK[];
  }
}

function toAgent(row: {
  name: string;
  url: string;
  card: string;
  status: string;
  held_reason: string | null;
  key_source: string;
  fetched_at: number;
}): RegisteredAgent {
  const card = JSON.parse(row.card) as AgentCard;
  return {
    name: row.name,
    url: row.url,
    card,
    status: row.status === 'held' ? 'held' : 'active',
    heldReason: row.held_reason ?? undefined,
    keySource: row.key_source === 'jwks' ? 'jwks' : 'tofu',
    skills: card.skills.map((skill) => skill.id),
    fetchedAt: Number(row.fetched_at),
  };
}

/**
 * What a change is measured by: the signed content, not the signature bytes
 * (ECDSA signatures differ at every signing, so an agent that signs per
 * request would otherwise look changed at every refresh).
 */
function cardDigest(card: AgentCard): string {
  return sha256Hex(canonicalCardPayload(card));
}

function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
}
