import type { Clock } from '@parley/core';
import type { Store } from '@parley/store';
import type { Adapter, AdapterPayload } from 'oidc-provider';

/**
 * oidc-provider's persistence over the Parley store (SQLite or PostgreSQL), so
 * sessions, grants, codes, refresh tokens and registered clients survive
 * restarts and are shared by replicas.
 * @see https://github.com/panva/node-oidc-provider/blob/main/example/my_adapter.js
 */
export class StoreAdapter implements Adapter {
  readonly #model: string;
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #clientDisabled: (clientId: string) => boolean;

  constructor(model: string, store: Store, clock: Clock, clientDisabled: (clientId: string) => boolean = () => false) {
    this.#model = model;
    this.#store = store;
    this.#clock = clock;
    this.#clientDisabled = clientDisabled;
  }

  /**
   * A factory in the shape oidc-provider's `adapter` option takes. A client
   * whose agent is disabled is not found, so it can obtain no more tokens.
   */
  static factory(
    store: Store,
    clock: Clock,
    clientDisabled?: (clientId: string) => boolean,
  ): (model: string) => Adapter {
    return (model) => new StoreAdapter(model, store, clock, clientDisabled);
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const row = {
      payload: JSON.stringify(payload),
      grant_id: typeof payload.grantId === 'string' ? payload.grantId : null,
      user_code: typeof payload.userCode === 'string' ? payload.userCode : null,
      uid: typeof payload.uid === 'string' ? payload.uid : null,
      expires_at: typeof expiresIn === 'number' ? this.#clock.now() + expiresIn * 1000 : null,
      consumed_at: null,
    };
    await this.#store.db
      .insertInto('identity_oidc_models')
      .values({ model: this.#model, id, ...row })
      .onConflict((oc) => oc.columns(['model', 'id']).doUpdateSet(row))
      .execute();
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    if (this.#model === 'Client' && this.#clientDisabled(id)) return undefined;
    return this.#findWhere('id', id);
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.#findWhere('uid', uid);
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.#findWhere('user_code', userCode);
  }

  async consume(id: string): Promise<void> {
    await this.#store.db
      .updateTable('identity_oidc_models')
      .set({ consumed_at: this.#clock.now() })
      .where('model', '=', this.#model)
      .where('id', '=', id)
      .execute();
  }

  async destroy(id: string): Promise<void> {
    await this.#store.db
      .deleteFrom('identity_oidc_models')
      .where('model', '=', this.#model)
      .where('id', '=', id)
      .execute();
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.#store.db
      .deleteFrom('identity_oidc_models')
      .where('model', '=', this.#model)
      .where('grant_id', '=', grantId)
      .execute();
  }

  async #findWhere(column: 'id' | 'uid' | 'user_code', value: string): Promise<AdapterPayload | undefined> {
    const row = await this.#store.db
      .selectFrom('identity_oidc_models')
      .select(['payload', 'expires_at', 'consumed_at'])
      .where('model', '=', this.#model)
      .where(column, '=', value)
      .executeTakeFirst();
    if (!row) return undefined;
    if (row.expires_at !== null && Number(row.expires_at) <= this.#clock.now()) return undefined;
    const payload = JSON.parse(row.payload) as AdapterPayload;
    if (row.consumed_at !== null) {
      payload.consumed = Math.floor(Number(row.consumed_at) / 1000);
    }
    return payload;
  }

  /** Removes expired rows of every model; returns how many. */
  static async sweep(store: Store, clock: Clock): Promise<number> {
    const result = await store.db
      .deleteFrom('identity_oidc_models')
      .where('expires_at', 'is not', null)
      .where('expires_at', '<=', clock.now())
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
