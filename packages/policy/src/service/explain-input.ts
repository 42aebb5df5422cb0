import type { EntityRef } from '@parley/core';
import { z } from 'zod';
import type { DecisionRequest } from '../engine/decision-request.ts';

const ENTITY_TEXT = /^([A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z_][A-Za-z0-9_]*)*)::"((?:[^"\\]|\\.)*)"$/;

/** Parses `Type::"id"` (Cedar's entity literal) into an entity reference. */
export function parseEntityText(text: string): EntityRef | undefined {
  const match = ENTITY_TEXT.exec(text.trim());
  if (!match) return undefined;
  try {
    return { type: match[1] as string, id: JSON.parse(`"${match[2]}"`) as string };
  } catch {
    return undefined;
  }
}

const entity = z.union([
  z.string().transform((text, ctx) => {
    const ref = parseEntityText(text);
    if (!ref) {
      ctx.addIssue({ code: 'custom', message: 'must be an entity such as Agent::"scheduler"' });
      return z.NEVER;
    }
    return ref;
  }),
  z.strictObject({ type: z.string().min(1), id: z.string() }),
]);

/** `tools/call` or `Action::"tools/call"`. */
const action = z
  .string()
  .min(1)
  .transform((text) => parseEntityText(text)?.id ?? text);

/** MCP items are namespaced `<server>.<name>`, so their server is the part before the first dot. */
const MCP_ITEM_TYPES = new Set(['Tool', 'Resource', 'Prompt']);

/**
 * A decision request as people write it (`parley policy test`, the explain
 * endpoint): entities as `Type::"id"`, roles by name, context optional.
 * A `Tool`, `Resource` or `Prompt` without parents is placed in the
 * `McpServer` its namespaced id names (`calendar.find_free_slots` → `calendar`).
 */
export const explainInputSchema = z.strictObject({
  principal: entity,
  roles: z.array(z.string().min(1)).default([]),
  action,
  resource: entity,
  parents: z.array(entity).optional(),
  context: z
    .strictObject({
      protocol: z.enum(['mcp', 'a2a', 'admin']).optional(),
      audience: z.string().optional(),
      actorChain: z.array(z.string()).default([]),
      onBehalfOf: entity.optional(),
      scopes: z.array(z.string()).default([]),
      client: z.string().optional(),
      arguments: z.record(z.string(), z.unknown()).default({}),
      approval: z.enum(['none', 'approved']).default('none'),
      time: z.number().int().optional(),
      sourceIp: z.string().optional(),
    })
    .prefault({}),
});

export type ExplainInput = z.input<typeof explainInputSchema>;

/** Turns a parsed explain input into a decision request. */
export function toDecisionRequest(input: z.output<typeof explainInputSchema>, now: number): DecisionRequest {
  const { resource, context } = input;
  const inferred =
    MCP_ITEM_TYPES.has(resource.type) && resource.id.includes('.')
      ? [{ type: 'McpServer', id: resource.id.slice(0, resource.id.indexOf('.')) }]
      : [];
  return {
    principal: { ...input.principal, parents: input.roles.map((id) => ({ type: 'Role', id })) },
    action: input.action,
    resource: { ...resource, parents: input.parents ?? inferred },
    context: {
      protocol: context.protocol ?? (resource.type === 'A2AAgent' || resource.type === 'Skill' ? 'a2a' : 'mcp'),
      audience: context.audience ?? '',
      actorChain: context.actorChain,
      onBehalfOf: context.onBehalfOf,
      scopes: context.scopes,
      client: context.client,
      arguments: context.arguments,
      approval: context.approval,
      time: context.time ?? now,
      sourceIp: context.sourceIp,
    },
  };
}
