import type { Caller, EntityRef, GuardedAction } from '@parley/core';
import type { DecisionRequest } from './decision-request.ts';

/** Roles become the principal's parents: `principal in Role::"admin"`. */
export function principalOf(caller: Caller): DecisionRequest['principal'] {
  return { ...caller.principal, parents: caller.roles.map((role): EntityRef => ({ type: 'Role', id: role })) };
}

/**
 * Maps the request pipeline's caller and action to a decision request: the
 * principal with its roles, the resource with its parents, and the context
 * (actor chain, on-behalf-of user, scopes, client, arguments, source address).
 * @see RequestPipeline.decide
 */
export function fromCaller(
  caller: Caller,
  action: GuardedAction,
  options: { readonly now: number; readonly approval?: 'none' | 'approved' },
): DecisionRequest {
  return {
    principal: principalOf(caller),
    action: action.action,
    resource: { type: action.resource.type, id: action.resource.id, parents: action.parents ?? [] },
    context: {
      protocol: action.protocol,
      audience: action.audience,
      actorChain: caller.actorChain,
      onBehalfOf: caller.onBehalfOf,
      scopes: caller.scopes,
      client: caller.clientId,
      arguments: action.arguments,
      approval: options.approval ?? 'none',
      time: options.now,
      sourceIp: action.sourceIp,
    },
  };
}
