import { isIP } from 'node:net';
import type { EntityRef } from '@parley/core';
import type { CedarValueJson, EntityJson } from '../cedar/cedar.ts';
import { actionGroups } from '../schema/parley-schema.ts';
import { toCedarRecord } from './cedar-value.ts';

/** An entity as a decision request names it, with its parents (`Tool` in `McpServer`, `User` in `Role`). */
export interface RequestEntity extends EntityRef {
  readonly parents?: readonly EntityRef[];
  /** Attributes in Cedar's JSON form, built by Parley (`Approval` carries its state and on-behalf-of user). */
  readonly attributes?: Readonly<Record<string, CedarValueJson>>;
}

/** The context of a decision; `context.*` in policies (see `RequestContext` in parley.cedarschema). */
export interface DecisionContext {
  readonly protocol: 'mcp' | 'a2a' | 'admin';
  /** The resource URL the caller addressed. */
  readonly audience: string;
  /** The delegation chain, immediate actor first; `context.actorChain` (a set) and `context.actorDepth`. */
  readonly actorChain: readonly string[];
  readonly onBehalfOf?: EntityRef | undefined;
  readonly scopes: readonly string[];
  readonly client?: string | undefined;
  /** Tool arguments or message content, as JSON; converted by `toCedarValue`. */
  readonly arguments?: Readonly<Record<string, unknown>> | undefined;
  /** `approved` when the call carries an approval a human granted for exactly this call. */
  readonly approval: 'none' | 'approved';
  /** Epoch milliseconds; `context.time` (seconds) and `context.now` (datetime). */
  readonly time: number;
  readonly sourceIp?: string | undefined;
}

/**
 * What the policy engine decides on: who (with roles), which action, on what
 * (with its parents), and the context. Independent of how the caller
 * authenticated; `fromCaller` builds one from the request pipeline's types.
 */
export interface DecisionRequest {
  readonly principal: RequestEntity;
  /** Action id: `tools/call`, `SendMessage`, `approve`, ... */
  readonly action: string;
  readonly resource: RequestEntity;
  readonly context: DecisionContext;
}

/** The request in Cedar's JSON form, ready for `isAuthorized`. */
export interface CedarRequest {
  readonly principal: { type: string; id: string };
  readonly action: { type: string; id: string };
  readonly resource: { type: string; id: string };
  readonly context: Record<string, CedarValueJson>;
  readonly entities: EntityJson[];
}

const uid = (ref: EntityRef) => ({ type: ref.type, id: ref.id });

/** Builds Cedar's request, entities and context from a decision request. */
export function toCedarRequest(request: DecisionRequest): CedarRequest {
  const { principal, resource } = request;
  const action = { type: 'Action', id: request.action };
  const entities: EntityJson[] = [
    { uid: uid(principal), attrs: { ...principal.attributes }, parents: (principal.parents ?? []).map(uid) },
    {
      uid: action,
      attrs: {},
      parents: (actionGroups.get(request.action) ?? []).map((id) => ({ type: 'Action', id })),
    },
  ];
  if (resource.type !== principal.type || resource.id !== principal.id) {
    entities.push({
      uid: uid(resource),
      attrs: { ...resource.attributes },
      parents: (resource.parents ?? []).map(uid),
    });
  }
  return {
    principal: uid(principal),
    action,
    resource: uid(resource),
    context: toCedarContext(request.context),
    entities,
  };
}

function toCedarContext(context: DecisionContext): Record<string, CedarValueJson> {
  const cedarContext: Record<string, CedarValueJson> = {
    protocol: context.protocol,
    audience: context.audience,
    actorChain: [...context.actorChain],
    actorDepth: context.actorChain.length,
    scopes: [...context.scopes],
    arguments: toCedarRecord(context.arguments ?? {}),
    approval: context.approval,
    time: Math.floor(context.time / 1000),
    now: { __extn: { fn: 'datetime', arg: new Date(context.time).toISOString() } },
  };
  if (context.onBehalfOf) cedarContext.onBehalfOf = { __entity: uid(context.onBehalfOf) };
  if (context.client !== undefined) cedarContext.client = context.client;
  const ip = context.sourceIp?.replace(/^::ffff:(?=\d+\.)/, '').replace(/%.*$/, '');
  if (ip && isIP(ip) !== 0) cedarContext.sourceIp = { __extn: { fn: 'ip', arg: ip } };
  return cedarContext;
}
