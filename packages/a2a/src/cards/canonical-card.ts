import { canonicalJson } from '@parley/core';
import type { AgentCard } from '../wire/schemas/agent-card.ts';
import { agentCardSchema } from '../wire/schemas/agent-card.ts';

/**
 * The bytes an Agent Card signature covers: the card's schema members (others
 * dropped), without `signatures`, with empty values omitted as ProtoJSON
 * omits defaults, serialized by RFC 8785.
 * @see https://a2a-protocol.org/v1.0.0/specification/#8441-canonicalization
 * @see https://www.rfc-editor.org/rfc/rfc8785
 */
export function canonicalCardPayload(card: AgentCard | Omit<AgentCard, 'signatures'>): string {
  const parsed = agentCardSchema.safeParse(card);
  const { signatures: _signatures, ...rest } = (parsed.success ? parsed.data : card) as AgentCard;
  return canonicalJson(omitEmpty(rest) ?? {});
}

function omitEmpty(value: unknown): unknown {
  if (value === '' || value === null || value === undefined) return undefined;
  if (Array.isArray(value)) {
    const items = value.map(omitEmpty).filter((item) => item !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .map(([key, member]) => [key, omitEmpty(member)] as const)
      .filter(([, member]) => member !== undefined);
    return entries.length > 0 ? Object.fromEntries(entries) : undefined;
  }
  return value;
}
