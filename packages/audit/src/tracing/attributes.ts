import type { Attributes } from '@opentelemetry/api';
import type { Caller, GuardDecision, GuardedAction } from '@parley/core';
import { entityName } from '../log/from-hop.ts';

/**
 * Span attribute names every part uses, so one trace reads the same at every
 * hop (and the integration test can assert on them).
 */
export const ATTR_PRINCIPAL = 'parley.principal';
export const ATTR_ON_BEHALF_OF = 'parley.on_behalf_of';
/** Array of strings, immediate actor first. */
export const ATTR_ACTOR_CHAIN = 'parley.actor_chain';
export const ATTR_CLIENT_ID = 'parley.client_id';
/** `mcp`, `a2a` or `admin`. */
export const ATTR_PROTOCOL = 'parley.protocol';
/** The Cedar action id: `tools/call`, `SendMessage`, ... */
export const ATTR_ACTION = 'parley.action';
/** `Tool::"…"`/`Skill::"…"` as `Type::id`. */
export const ATTR_RESOURCE = 'parley.resource';
export const ATTR_TOOL = 'parley.tool';
export const ATTR_SKILL = 'parley.skill';
export const ATTR_AGENT = 'parley.agent';
/** Name of the upstream MCP server or remote A2A agent a hop is forwarded to. */
export const ATTR_UPSTREAM = 'parley.upstream';
/** `allow`, `deny` or `approval-required`. */
export const ATTR_DECISION = 'parley.decision';
/** Array of determining policy ids. */
export const ATTR_POLICIES = 'parley.policies';
export const ATTR_APPROVAL_ID = 'parley.approval.id';
export const ATTR_APPROVAL_OUTCOME = 'parley.approval.outcome';
export const ATTR_OUTCOME = 'parley.outcome';
/** The pipeline step a span covers: one of PIPELINE_STEPS. */
export const ATTR_STEP = 'parley.step';
export const ATTR_AUDIT_SEQ = 'parley.audit.seq';

/** The request pipeline's steps, as span names `parley.<step>`. */
export const PIPELINE_STEPS = [
  'authenticate',
  'resolve',
  'decide',
  'approve',
  'exchange',
  'forward',
  'record',
] as const;
export type PipelineStep = (typeof PIPELINE_STEPS)[number];

/** Who is calling, as span attributes. */
export function callerAttributes(caller: Caller | undefined): Attributes {
  if (!caller) return {};
  const attributes: Attributes = {
    [ATTR_PRINCIPAL]: entityName(caller.principal),
    [ATTR_ACTOR_CHAIN]: [...caller.actorChain],
  };
  if (caller.onBehalfOf) attributes[ATTR_ON_BEHALF_OF] = entityName(caller.onBehalfOf);
  if (caller.clientId) attributes[ATTR_CLIENT_ID] = caller.clientId;
  return attributes;
}

/** What is attempted, as span attributes; tools and skills also get their own key. */
export function actionAttributes(action: GuardedAction): Attributes {
  const attributes: Attributes = {
    [ATTR_PROTOCOL]: action.protocol,
    [ATTR_ACTION]: action.action,
    [ATTR_RESOURCE]: entityName(action.resource),
  };
  if (action.resource.type === 'Tool') attributes[ATTR_TOOL] = action.resource.id;
  if (action.resource.type === 'Skill') attributes[ATTR_SKILL] = action.resource.id;
  return attributes;
}

/** The decision, as span attributes. */
export function decisionAttributes(decision: GuardDecision): Attributes {
  const attributes: Attributes = { [ATTR_DECISION]: decision.effect, [ATTR_POLICIES]: [...decision.policies] };
  if (decision.effect === 'approval-required') attributes[ATTR_APPROVAL_ID] = decision.approval.id;
  if (decision.effect === 'allow' && decision.approvalId) attributes[ATTR_APPROVAL_ID] = decision.approvalId;
  return attributes;
}
