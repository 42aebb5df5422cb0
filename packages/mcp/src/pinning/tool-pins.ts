import type { Tool } from '@modelcontextprotocol/client';
import { type Clock, canonicalDigest, NotFoundError } from '@parley/core';
import type { Store } from '@parley/store';

/** The parts of a tool definition a pin covers. */
export interface PinnedDefinition {
  name: string;
  description?: string;
  inputSchema: unknown;
  outputSchema?: unknown;
  annotations?: unknown;
}

/** A tool whose definition changed since it was pinned. */
export interface QuarantinedTool {
  server: string;
  tool: string;
  pinned: PinnedDefinition;
  changed: PinnedDefinition;
  /** Which top-level fields differ. */
  diff: Array<{ field: string; pinned: unknown; changed: unknown }>;
  changedAt: number;
}

export type PinVerdict = 'pinned' | 'new' | 'quarantined';

/** The canonical definition of a tool: what a rug pull would change. */
export function pinnedDefinition(tool: Tool): PinnedDefinition {
  const definition: PinnedDefinition = { name: tool.name, inputSchema: tool.inputSchema };
  if (tool.description !== undefined) definition.description = tool.description;
  if (tool.outputSchema !== undefined) definition.outputSchema = tool.outputSchema;
  if (tool.annotations !== undefined) definition.annotations = tool.annotations;
  return definition;
}

/**
 * Digests by tool object: catalog entries are replaced, never mutated, on
 * refresh, so a tool's digest is computed once instead of on every list and call.
 */
const digests = new WeakMap<Tool, string>();

/** The SHA-256 of the tool's canonical pinned definition. */
function definitionDigest(tool: Tool): string {
  let digest = digests.get(tool);
  if (digest === undefined) {
    digest = canonicalDigest(pinnedDefinition(tool));
    digests.set(tool, digest);
  }
  return digest;
}

/**
 * Tool-definition pinning (DESIGN.md): the SHA-256 of each tool's canonical
 * definition is pinned on first sight; a changed definition is quarantined
 * until an administrator accepts it. Verdicts are cached in memory and shared
 * through the store, so every replica hides the same tools.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/server/tools#security-considerations
 */
export class ToolPins {
  readonly #store: Store;
  readonly #clock: Clock;
  /** `server\0tool` → the digest currently allowed. */
  readonly #accepted = new Map<string, string>();

  constructor(store: Store, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  /** Checks every tool of an upstream against its pin, pinning new ones; returns the verdict per tool name. */
  async pinToolDefinitions(server: string, tools: readonly Tool[]): Promise<Map<string, PinVerdict>> {
    const rows = await this.#store.db.selectFrom('mcp_tool_pins').selectAll().where('server', '=', server).execute();
    const byTool = new Map(rows.map((row) => [row.tool, row]));
    const verdicts = new Map<string, PinVerdict>();
    const now = this.#clock.now();
    for (const tool of tools) {
      const definition = pinnedDefinition(tool);
      const digest = definitionDigest(tool);
      const row = byTool.get(tool.name);
      if (!row) {
        await this.#store.db
          .insertInto('mcp_tool_pins')
          .values({
            server,
            tool: tool.name,
            digest,
            definition: JSON.stringify(definition),
            pending_digest: null,
            pending_definition: null,
            pinned_at: now,
            changed_at: null,
          })
          .onConflict((oc) => oc.columns(['server', 'tool']).doNothing())
          .execute();
        this.#accepted.set(key(server, tool.name), digest);
        verdicts.set(tool.name, 'new');
        continue;
      }
      this.#accepted.set(key(server, tool.name), row.digest);
      if (row.digest === digest) {
        if (row.pending_digest !== null) await this.#clearPending(server, tool.name);
        verdicts.set(tool.name, 'pinned');
        continue;
      }
      if (row.pending_digest !== digest) {
        await this.#store.db
          .updateTable('mcp_tool_pins')
          .set({ pending_digest: digest, pending_definition: JSON.stringify(definition), changed_at: now })
          .where('server', '=', server)
          .where('tool', '=', tool.name)
          .execute();
      }
      verdicts.set(tool.name, 'quarantined');
    }
    return verdicts;
  }

  /**
   * Allows `digest` for `server`'s `tool`, as another replica accepted it
   * (the store already says so); true when that changes what this one allows.
   */
  noteAccepted(server: string, tool: string, digest: string): boolean {
    if (this.#accepted.get(key(server, tool)) === digest) return false;
    this.#accepted.set(key(server, tool), digest);
    return true;
  }

  /**
   * Re-reads the allowed digest of every tool this replica has seen (what
   * another replica may have accepted meanwhile); true when that changed
   * what this one allows.
   */
  async refreshAccepted(): Promise<boolean> {
    const rows = await this.#store.db.selectFrom('mcp_tool_pins').select(['server', 'tool', 'digest']).execute();
    let changed = false;
    for (const row of rows) {
      const seen = this.#accepted.get(key(row.server, row.tool));
      if (seen === undefined || seen === row.digest) continue;
      this.#accepted.set(key(row.server, row.tool), row.digest);
      changed = true;
    }
    return changed;
  }

  /** Whether this exact definition may be shown and called. */
  isAccepted(server: string, tool: Tool): boolean {
    return this.#accepted.get(key(server, tool.name)) === definitionDigest(tool);
  }

  /** Quarantined changes, with a field-level diff. */
  async listQuarantined(): Promise<QuarantinedTool[]> {
    const rows = await this.#store.db
      .selectFrom('mcp_tool_pins')
      .selectAll()
      .where('pending_digest', 'is not', null)
      .orderBy('server')
      .orderBy('tool')
      .execute();
    return rows.map((row) => {
      const pinned = JSON.parse(row.definition) as PinnedDefinition;
      const changed = JSON.parse(row.pending_definition ?? '{}') as PinnedDefinition;
      return {
        server: row.server,
        tool: row.tool,
        pinned,
        changed,
        diff: diffDefinitions(pinned, changed),
        changedAt: row.changed_at ?? 0,
      };
    });
  }

  /** All pins of all servers. */
  async listPins(): Promise<
    Array<{ server: string; tool: string; digest: string; quarantined: boolean; pinnedAt: number }>
  > {
    const rows = await this.#store.db
      .selectFrom('mcp_tool_pins')
      .selectAll()
      .orderBy('server')
      .orderBy('tool')
      .execute();
    return rows.map((row) => ({
      server: row.server,
      tool: row.tool,
      digest: row.digest,
      quarantined: row.pending_digest !== null,
      pinnedAt: row.pinned_at,
    }));
  }

  /** Accepts the quarantined definition of `server`'s `tool` as its new pin. */
  async accept(server: string, tool: string): Promise<{ digest: string; previous: string }> {
    const row = await this.#store.db
      .selectFrom('mcp_tool_pins')
      .selectAll()
      .where('server', '=', server)
      .where('tool', '=', tool)
      .executeTakeFirst();
    if (!row || row.pending_digest === null || row.pending_definition === null) {
      throw new NotFoundError(`quarantined tool ${server}.${tool}`);
    }
    await this.#store.db
      .updateTable('mcp_tool_pins')
      .set({
        digest: row.pending_digest,
        definition: row.pending_definition,
        pending_digest: null,
        pending_definition: null,
        pinned_at: this.#clock.now(),
        changed_at: null,
      })
      .where('server', '=', server)
      .where('tool', '=', tool)
      .execute();
    this.#accepted.set(key(server, tool), row.pending_digest);
    return { digest: row.pending_digest, previous: row.digest };
  }

  /** Drops the pins of a removed server. */
  async forget(server: string): Promise<void> {
    await this.#store.db.deleteFrom('mcp_tool_pins').where('server', '=', server).execute();
    for (const k of [...this.#accepted.keys()]) if (k.startsWith(`${server}\0`)) this.#accepted.delete(k);
  }

  async #clearPending(server: string, tool: string): Promise<void> {
    await this.#store.db
      .updateTable('mcp_tool_pins')
      .set({ pending_digest: null, pending_definition: null, changed_at: null })
      .where('server', '=', server)
      .where('tool', '=', tool)
      .execute();
  }
}

function key(server: string, tool: string): string {
  return `${server}\0${tool}`;
}

function diffDefinitions(pinned: PinnedDefinition, changed: PinnedDefinition): QuarantinedTool['diff'] {
  const fields = ['name', 'description', 'inputSchema', 'outputSchema', 'annotations'] as const;
  return fields
    .filter((field) => JSON.stringify(pinned[field]) !== JSON.stringify(changed[field]))
    .map((field) => ({ field, pinned: pinned[field], changed: changed[field] }));
}
