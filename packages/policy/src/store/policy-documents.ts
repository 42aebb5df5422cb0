import type { Clock } from '@parley/core';
import type { Store } from '@parley/store';

/** A policy document kept in the store, editable through the API and CLI. */
export interface PolicyDocument {
  readonly name: string;
  readonly text: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly updatedBy: string | undefined;
}

/** The name a stored document goes by in problems and policy ids. */
export const storeSourceName = (name: string): string => `store:${name}`;

/** Persistence of policy documents (`policy_documents`). */
export class PolicyDocuments {
  readonly #store: Store;
  readonly #clock: Clock;
  constructor(store: Store, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  async list(): Promise<PolicyDocument[]> {
    const rows = await this.#store.db.selectFrom('policy_documents').selectAll().orderBy('name').execute();
    return rows.map(toDocument);
  }

  async get(name: string): Promise<PolicyDocument | undefined> {
    const row = await this.#store.db
      .selectFrom('policy_documents')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    return row ? toDocument(row) : undefined;
  }

  /** Creates or replaces a document; returns whether it existed before. */
  async put(name: string, text: string, by: string | undefined): Promise<{ created: boolean }> {
    const now = this.#clock.now();
    const existing = await this.get(name);
    await this.#store.db
      .insertInto('policy_documents')
      .values({ name, text, created_at: now, updated_at: now, updated_by: by ?? null })
      .onConflict((oc) => oc.column('name').doUpdateSet({ text, updated_at: now, updated_by: by ?? null }))
      .execute();
    return { created: existing === undefined };
  }

  /** Removes a document; returns whether it existed. */
  async delete(name: string): Promise<boolean> {
    const result = await this.#store.db.deleteFrom('policy_documents').where('name', '=', name).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}

function toDocument(row: {
  name: string;
  text: string;
  created_at: number | string;
  updated_at: number | string;
  updated_by: string | null;
}): PolicyDocument {
  return {
    name: row.name,
    text: row.text,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    updatedBy: row.updated_by ?? undefined,
  };
}
