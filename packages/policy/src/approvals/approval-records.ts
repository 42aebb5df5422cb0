import { randomBytes } from 'node:crypto';
import { canonicalJson } from '@parley/core';
import type { Database, Store } from '@parley/store';
import type { ExpressionBuilder } from 'kysely';
import type { Approval, ApprovalBinding, ApprovalState } from './approval.ts';

type Row = Database['policy_approvals'];

/** Persistence of approvals (`policy_approvals`); every state change is one conditional UPDATE, so replicas race safely. */
export class ApprovalRecords {
  readonly #store: Store;
  readonly #url: (id: string) => string;
  constructor(store: Store, url: (id: string) => string) {
    this.#store = store;
    this.#url = url;
  }

  async create(
    binding: ApprovalBinding,
    details: {
      arguments: Readonly<Record<string, unknown>>;
      policies: readonly string[];
      now: number;
      expiresAt: number;
      requestedWith: string;
    },
  ): Promise<Approval> {
    const row: Row = {
      id: `apr_${randomBytes(16).toString('base64url')}`,
      state: 'pending',
      ...bindingColumns(binding),
      arguments: JSON.stringify(details.arguments),
      policies: JSON.stringify(details.policies),
      created_at: details.now,
      expires_at: details.expiresAt,
      decided_at: null,
      decided_by: null,
      consumed_at: null,
      requested_with: details.requestedWith,
    };
    await this.#store.db.insertInto('policy_approvals').values(row).execute();
    return this.#toApproval(row, details.now);
  }

  async get(id: string, now: number): Promise<Approval | undefined> {
    const row = await this.#store.db.selectFrom('policy_approvals').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? this.#toApproval(row, now) : undefined;
  }

  /** The credential that asked for the approval, if recorded (kept out of `Approval`: the API shows approvals). */
  async requestedWith(id: string): Promise<string | undefined> {
    const row = await this.#store.db
      .selectFrom('policy_approvals')
      .select('requested_with')
      .where('id', '=', id)
      .executeTakeFirst();
    return row?.requested_with ?? undefined;
  }

  /** Newest first. `state` filters by the state as of `now` (a pending approval past its expiry is expired). */
  async list(now: number, filter: { state?: ApprovalState; limit?: number } = {}): Promise<Approval[]> {
    let query = this.#store.db.selectFrom('policy_approvals').selectAll();
    if (filter.state === 'pending') query = query.where('state', '=', 'pending').where('expires_at', '>', now);
    else if (filter.state === 'expired') {
      query = query.where((eb) =>
        eb.or([eb('state', '=', 'expired'), eb.and([eb('state', '=', 'pending'), eb('expires_at', '<=', now)])]),
      );
    } else if (filter.state) query = query.where('state', '=', filter.state);
    const rows = await query
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(filter.limit ?? 100)
      .execute();
    return rows.map((row) => this.#toApproval(row, now));
  }

  /** An unexpired, unused approval for exactly this call that is pending or approved, if any. */
  async findOpen(binding: ApprovalBinding, now: number): Promise<Approval | undefined> {
    const row = await this.#store.db
      .selectFrom('policy_approvals')
      .selectAll()
      .where(sameBinding(binding))
      .where('state', 'in', ['pending', 'approved'])
      .where('consumed_at', 'is', null)
      .where('expires_at', '>', now)
      // An approved one is preferred: the call can go ahead.
      .orderBy('state')
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
    return row ? this.#toApproval(row, now) : undefined;
  }

  /** pending -> approved | denied, only while unexpired. Returns false if it was not pending. */
  async decide(id: string, state: 'approved' | 'denied', by: string, now: number): Promise<boolean> {
    const result = await this.#store.db
      .updateTable('policy_approvals')
      .set({ state, decided_at: now, decided_by: by })
      .where('id', '=', id)
      .where('state', '=', 'pending')
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * Marks an approved approval used, if it matches the call exactly and is
   * unused and unexpired. One UPDATE, so of concurrent consumers exactly one wins.
   */
  async consume(id: string, binding: ApprovalBinding, now: number): Promise<boolean> {
    return this.#markUse(id, binding, now, { consumed_at: now }, 'is');
  }

  /** Marks a used approval unused again, if it matches the call exactly and is unexpired. */
  async release(id: string, binding: ApprovalBinding, now: number): Promise<boolean> {
    return this.#markUse(id, binding, now, { consumed_at: null }, 'is not');
  }

  /** Sets the use mark of the approved, unexpired approval `id` of exactly this call, from unused (`is` null) or used. */
  async #markUse(
    id: string,
    binding: ApprovalBinding,
    now: number,
    mark: { consumed_at: number | null },
    from: 'is' | 'is not',
  ): Promise<boolean> {
    const result = await this.#store.db
      .updateTable('policy_approvals')
      .set(mark)
      .where('id', '=', id)
      .where('state', '=', 'approved')
      .where('consumed_at', from, null)
      .where('expires_at', '>', now)
      .where(sameBinding(binding))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** pending -> expired for every approval past its expiry; returns their ids. */
  async expireDue(now: number): Promise<string[]> {
    const rows = await this.#store.db
      .updateTable('policy_approvals')
      .set({ state: 'expired' })
      .where('state', '=', 'pending')
      .where('expires_at', '<=', now)
      .returning('id')
      .execute();
    return rows.map((row) => row.id);
  }

  #toApproval(row: Row, now: number): Approval {
    const expiresAt = Number(row.expires_at);
    const state = row.state === 'pending' && expiresAt <= now ? 'expired' : (row.state as ApprovalState);
    const onBehalfOf = row.on_behalf_of === null ? undefined : JSON.parse(row.on_behalf_of);
    return {
      id: row.id,
      state,
      principal: JSON.parse(row.principal),
      actorChain: JSON.parse(row.actor_chain),
      action: row.action,
      resource: JSON.parse(row.resource),
      onBehalfOf,
      argumentsDigest: row.arguments_digest,
      arguments: JSON.parse(row.arguments),
      policies: JSON.parse(row.policies),
      createdAt: Number(row.created_at),
      expiresAt,
      decidedAt: row.decided_at === null ? undefined : Number(row.decided_at),
      decidedBy: row.decided_by ?? undefined,
      consumedAt: row.consumed_at === null ? undefined : Number(row.consumed_at),
      url: this.#url(row.id),
    };
  }
}

/** Bound columns in canonical JSON, so equal bindings are equal strings. */
function bindingColumns(binding: ApprovalBinding) {
  const ref = (r: { type: string; id: string }) => ({ type: r.type, id: r.id });
  return {
    principal: canonicalJson(ref(binding.principal)),
    actor_chain: canonicalJson([...binding.actorChain]),
    action: binding.action,
    resource: canonicalJson({ ...ref(binding.resource), parents: (binding.resource.parents ?? []).map(ref) }),
    on_behalf_of: binding.onBehalfOf ? canonicalJson(ref(binding.onBehalfOf)) : null,
    arguments_digest: binding.argumentsDigest,
  };
}

/** Matches the rows bound to exactly this principal, actor chain, action, resource, user and arguments. */
function sameBinding(binding: ApprovalBinding) {
  const columns = bindingColumns(binding);
  return (eb: ExpressionBuilder<Database, 'policy_approvals'>) =>
    eb.and([
      eb('principal', '=', columns.principal),
      eb('actor_chain', '=', columns.actor_chain),
      eb('action', '=', columns.action),
      eb('resource', '=', columns.resource),
      eb('arguments_digest', '=', columns.arguments_digest),
      columns.on_behalf_of === null ? eb('on_behalf_of', 'is', null) : eb('on_behalf_of', '=', columns.on_behalf_of),
    ]);
}
