import { mcpServerSchema } from '@parley/config';
import { type Clock, ConflictError, NotFoundError } from '@parley/core';
import type { Store } from '@parley/store';
import type { UpstreamDefinition } from '../upstream/definition.ts';

/** Upstreams added at run time (`parley servers add`), kept in the store. */
export class ServerStore {
  readonly #store: Store;
  readonly #clock: Clock;

  constructor(store: Store, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  async list(): Promise<UpstreamDefinition[]> {
    const rows = await this.#store.db.selectFrom('mcp_servers').selectAll().orderBy('name').execute();
    return rows.flatMap((row) => {
      const parsed = mcpServerSchema.safeParse(JSON.parse(row.definition));
      return parsed.success ? [parsed.data] : [];
    });
  }

  async add(definition: UpstreamDefinition): Promise<void> {
    const result = await this.#store.db
      .insertInto('mcp_servers')
      .values({ name: definition.name, definition: JSON.stringify(definition), created_at: this.#clock.now() })
      .onConflict((oc) => oc.column('name').doNothing())
      .executeTakeFirst();
    if (Number(result.numInsertedOrUpdatedRows ?? 0) === 0)
      throw new ConflictError(`server ${definition.name} already exists`);
  }

  async remove(name: string): Promise<void> {
    const result = await this.#store.db.deleteFrom('mcp_servers').where('name', '=', name).executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw new NotFoundError(`server ${name}`);
  }
}
