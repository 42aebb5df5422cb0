import { readFileSync } from 'node:fs';
import { cedar } from '../cedar/cedar.ts';

/** The text of Parley's Cedar schema (`parley.cedarschema`, shipped in this package). */
export const parleySchemaText: string = readFileSync(new URL('./parley.cedarschema', import.meta.url), 'utf8');

/**
 * Every action of the schema with all the groups it is in (transitively):
 * `tools/list` → `[mcp:discover]`. Decision requests carry these as the
 * action entity's parents, so `action in Action::"a2a:call"` works without
 * handing Cedar the schema on every call.
 * @see https://docs.cedarpolicy.com/schema/schema.html#schema-actions
 */
export const actionGroups: ReadonlyMap<string, readonly string[]> = computeActionGroups();

/** The action ids the schema declares. */
export function isKnownAction(id: string): boolean {
  return actionGroups.has(id);
}

function computeActionGroups(): Map<string, string[]> {
  const answer = cedar.schemaToJson(parleySchemaText);
  if (answer.type !== 'success') {
    throw new Error(`parley.cedarschema does not parse: ${answer.errors.map((e) => e.message).join('; ')}`);
  }
  const actions = answer.json['']?.actions ?? {};
  const direct = new Map<string, string[]>();
  for (const [id, action] of Object.entries(actions)) {
    direct.set(
      id,
      (action.memberOf ?? []).map((m) => m.id),
    );
  }
  const closure = new Map<string, string[]>();
  for (const id of direct.keys()) {
    const seen = new Set<string>();
    const queue = [...(direct.get(id) ?? [])];
    while (queue.length > 0) {
      const next = queue.shift() as string;
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(...(direct.get(next) ?? []));
    }
    closure.set(id, [...seen]);
  }
  return closure;
}
