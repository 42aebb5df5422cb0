import { type Clock, ConflictError, type EventBus, NotFoundError } from '@parley/core';
import type { Database, Store } from '@parley/store';
import { generateApiKey } from '../secrets/api-key-secret.ts';

/** A user or agent, as the verifier needs it in memory. */
export interface Principal {
  readonly name: string;
  readonly kind: 'user' | 'agent';
  readonly roles: readonly string[];
  readonly clientId: string | null;
  readonly disabled: boolean;
  readonly createdAt: number;
}

/** An API key's record; the secret itself is never kept. */
export interface ApiKeyRecord {
  readonly id: string;
  readonly principal: string;
  readonly secretHash: string;
  readonly scopes: readonly string[];
  readonly resources: readonly string[];
  readonly createdAt: number;
  readonly expiresAt: number | null;
  readonly revokedAt: number | null;
  readonly lastUsedAt: number | null;
}

/** Bus topic on which identity changes reach every replica. */
export const IDENTITY_CHANGED_TOPIC = 'identity.changed';

type Change =
  | { what: 'principal'; name: string }
  | { what: 'api-key'; id: string }
  | { what: 'token'; jti: string; expiresAt: number }
  | { what: 'signing-keys' };

/**
 * Principals, API keys and revoked tokens, held in memory so verification
 * reads no store, kept in sync with the store here and on other replicas
 * through the bus: a change applies locally before the call returns, and
 * elsewhere when the bus delivers it.
 */
export class PrincipalDirectory {
  readonly #store: Store;
  readonly #bus: EventBus;
  readonly #clock: Clock;
  readonly #principals = new Map<string, Principal>();
  readonly #byClientId = new Map<string, Principal>();
  readonly #apiKeys = new Map<string, ApiKeyRecord>();
  readonly #revokedJtis = new Map<string, number>();
  readonly #lastUseWrites = new Map<string, number>();
  #unsubscribe: (() => void) | undefined;
  /** Called when another replica rotated the signing keys. */
  onSigningKeysChanged: (() => void) | undefined;

  constructor(store: Store, bus: EventBus, clock: Clock) {
    this.#store = store;
    this.#bus = bus;
    this.#clock = clock;
  }

  async start(): Promise<void> {
    const [principals, keys, revoked] = await Promise.all([
      this.#store.db.selectFrom('identity_principals').selectAll().execute(),
      this.#store.db.selectFrom('identity_api_keys').selectAll().execute(),
      this.#store.db
        .selectFrom('identity_revoked_tokens')
        .selectAll()
        .where('expires_at', '>', this.#clock.now())
        .execute(),
    ]);
    for (const row of principals) this.#putPrincipal(toPrincipal(row));
    for (const row of keys) this.#apiKeys.set(row.id, toApiKey(row));
    for (const row of revoked) this.#revokedJtis.set(row.jti, Number(row.expires_at));
    this.#unsubscribe = await this.#bus.subscribe(IDENTITY_CHANGED_TOPIC, (payload) => {
      void this.#apply(payload as Change);
    });
  }

  stop(): void {
    this.#unsubscribe?.();
  }

  principal(name: string): Principal | undefined {
    return this.#principals.get(name);
  }

  principalByClientId(clientId: string): Principal | undefined {
    return this.#byClientId.get(clientId);
  }

  principals(kind?: Principal['kind']): Principal[] {
    return [...this.#principals.values()].filter((p) => kind === undefined || p.kind === kind);
  }

  apiKey(id: string): ApiKeyRecord | undefined {
    return this.#apiKeys.get(id);
  }

  apiKeys(): ApiKeyRecord[] {
    return [...this.#apiKeys.values()];
  }

  isTokenRevoked(jti: string): boolean {
    return this.#revokedJtis.has(jti);
  }

  isGrantRevoked(grantId: string): boolean {
    return this.#revokedJtis.has(grantKey(grantId));
  }

  /** Adds a principal; refuses a name already in use by a user or agent. */
  async createPrincipal(input: {
    name: string;
    kind: Principal['kind'];
    roles?: readonly string[];
    passwordHash?: string | null;
    clientId?: string | null;
  }): Promise<Principal> {
    if (this.#principals.has(input.name)) throw new ConflictError(`a principal named ${input.name} already exists`);
    const row = {
      name: input.name,
      kind: input.kind,
      roles: JSON.stringify(input.roles ?? []),
      password_hash: input.passwordHash ?? null,
      client_id: input.clientId ?? null,
      disabled: 0,
      created_at: this.#clock.now(),
    };
    const inserted = await this.#store.db
      .insertInto('identity_principals')
      .values(row)
      .onConflict((oc) => oc.column('name').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) {
      throw new ConflictError(`a principal named ${input.name} already exists`);
    }
    return this.#changed({ what: 'principal', name: input.name }).then(() => this.#mustPrincipal(input.name));
  }

  /** The stored password hash of a user (read from the store: login is not a hot path). */
  async passwordHash(name: string): Promise<string | null> {
    const row = await this.#store.db
      .selectFrom('identity_principals')
      .select('password_hash')
      .where('name', '=', name)
      .executeTakeFirst();
    return row?.password_hash ?? null;
  }

  async setPasswordHash(name: string, passwordHash: string): Promise<void> {
    await this.#store.db
      .updateTable('identity_principals')
      .set({ password_hash: passwordHash })
      .where('name', '=', name)
      .execute();
  }

  /** Disables a principal: its tokens and keys fail from now on, everywhere. */
  async setDisabled(name: string, disabled: boolean): Promise<Principal> {
    const result = await this.#store.db
      .updateTable('identity_principals')
      .set({ disabled: disabled ? 1 : 0 })
      .where('name', '=', name)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new NotFoundError(`principal ${name}`);
    await this.#changed({ what: 'principal', name });
    return this.#mustPrincipal(name);
  }

  /** Creates an API key for `principal`; the key is returned once and never stored. */
  async createApiKey(input: {
    principal: string;
    scopes: readonly string[];
    resources: readonly string[];
    expiresAt: number | null;
  }): Promise<{ key: string; record: ApiKeyRecord }> {
    this.#mustPrincipal(input.principal);
    const { id, key, secretHash } = generateApiKey();
    await this.#store.db
      .insertInto('identity_api_keys')
      .values({
        id,
        principal: input.principal,
        secret_hash: secretHash,
        scopes: JSON.stringify(input.scopes),
        resources: JSON.stringify(input.resources),
        created_at: this.#clock.now(),
        expires_at: input.expiresAt,
        revoked_at: null,
        last_used_at: null,
      })
      .execute();
    await this.#changed({ what: 'api-key', id });
    const record = this.#apiKeys.get(id);
    if (!record) throw new NotFoundError(`API key ${id}`);
    return { key, record };
  }

  async revokeApiKey(id: string): Promise<ApiKeyRecord> {
    const result = await this.#store.db
      .updateTable('identity_api_keys')
      .set({ revoked_at: this.#clock.now() })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0 && !this.#apiKeys.has(id)) throw new NotFoundError(`API key ${id}`);
    await this.#changed({ what: 'api-key', id });
    const record = this.#apiKeys.get(id);
    if (!record) throw new NotFoundError(`API key ${id}`);
    return record;
  }

  /** Records a key's use, at most once a minute per key, off the request path. */
  noteApiKeyUse(id: string): void {
    const now = this.#clock.now();
    const last = this.#lastUseWrites.get(id) ?? 0;
    if (now - last < 60_000) return;
    this.#lastUseWrites.set(id, now);
    const record = this.#apiKeys.get(id);
    if (record) this.#apiKeys.set(id, { ...record, lastUsedAt: now });
    void this.#store.db
      .updateTable('identity_api_keys')
      .set({ last_used_at: now })
      .where('id', '=', id)
      .execute()
      .catch(() => {});
  }

  /** Revokes one access token by `jti` until it would have expired anyway. */
  async revokeToken(jti: string, expiresAt: number): Promise<void> {
    await this.#store.db
      .insertInto('identity_revoked_tokens')
      .values({ jti, expires_at: expiresAt, revoked_at: this.#clock.now() })
      .onConflict((oc) => oc.column('jti').doNothing())
      .execute();
    await this.#changed({ what: 'token', jti, expiresAt });
  }

  /**
   * Revokes every access token issued under a grant until the last of them
   * would have expired anyway. Applies here before the store write, so the
   * tokens are refused from the moment the grant is known to be compromised.
   */
  async revokeGrant(grantId: string, expiresAt: number): Promise<void> {
    const key = grantKey(grantId);
    this.#revokedJtis.set(key, expiresAt);
    await this.revokeToken(key, expiresAt);
  }

  /** Tells every replica (this one included) that the signing keys changed. */
  async signingKeysChanged(): Promise<void> {
    await this.#bus.publish(IDENTITY_CHANGED_TOPIC, { what: 'signing-keys' } satisfies Change);
  }

  /** Applies a change here at once, then tells the other replicas. */
  async #changed(change: Change): Promise<void> {
    await this.#apply(change);
    await this.#bus.publish(IDENTITY_CHANGED_TOPIC, change);
  }

  async #apply(change: Change): Promise<void> {
    switch (change.what) {
      case 'principal': {
        const row = await this.#store.db
          .selectFrom('identity_principals')
          .selectAll()
          .where('name', '=', change.name)
          .executeTakeFirst();
        const previous = this.#principals.get(change.name);
        if (previous?.clientId) this.#byClientId.delete(previous.clientId);
        if (row) this.#putPrincipal(toPrincipal(row));
        else this.#principals.delete(change.name);
        return;
      }
      case 'api-key': {
        const row = await this.#store.db
          .selectFrom('identity_api_keys')
          .selectAll()
          .where('id', '=', change.id)
          .executeTakeFirst();
        if (row) this.#apiKeys.set(row.id, toApiKey(row));
        else this.#apiKeys.delete(change.id);
        return;
      }
      case 'token':
        this.#revokedJtis.set(change.jti, change.expiresAt);
        this.#sweepRevoked();
        return;
      case 'signing-keys':
        this.onSigningKeysChanged?.();
        return;
    }
  }

  #sweepRevoked(): void {
    const now = this.#clock.now();
    for (const [jti, expiresAt] of this.#revokedJtis) if (expiresAt <= now) this.#revokedJtis.delete(jti);
  }

  #putPrincipal(principal: Principal): void {
    this.#principals.set(principal.name, principal);
    if (principal.clientId) this.#byClientId.set(principal.clientId, principal);
  }

  #mustPrincipal(name: string): Principal {
    const principal = this.#principals.get(name);
    if (!principal) throw new NotFoundError(`principal ${name}`);
    return principal;
  }
}

function toPrincipal(row: Omit<Database['identity_principals'], 'password_hash'>): Principal {
  return {
    name: row.name,
    kind: row.kind === 'agent' ? 'agent' : 'user',
    roles: JSON.parse(row.roles) as string[],
    clientId: row.client_id,
    disabled: Number(row.disabled) === 1,
    createdAt: Number(row.created_at),
  };
}

function toApiKey(row: Database['identity_api_keys']): ApiKeyRecord {
  const num = (value: number | null) => (value === null ? null : Number(value));
  return {
    id: row.id,
    principal: row.principal,
    secretHash: row.secret_hash,
    scopes: JSON.parse(row.scopes) as string[],
    resources: JSON.parse(row.resources) as string[],
    createdAt: Number(row.created_at),
    expiresAt: num(row.expires_at),
    revokedAt: num(row.revoked_at),
    lastUsedAt: num(row.last_used_at),
  };
}

/** Revoked grants share the revocation list with token ids; the prefix keeps them apart (jtis have no `:`). */
function grantKey(grantId: string): string {
  return `grant:${grantId}`;
}
