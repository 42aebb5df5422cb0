import type { EntityUidJson, PolicyJson } from '../cedar/cedar.ts';

/** A principal or resource scope constraint, keyed by entity uid (`Type::id`). */
export type EntityScope =
  | { readonly kind: 'all' }
  | { readonly kind: 'eq'; readonly uid: string }
  | { readonly kind: 'in'; readonly uid: string }
  | { readonly kind: 'is'; readonly type: string; readonly in?: string };

export type ActionScope =
  | { readonly kind: 'all' }
  | { readonly kind: 'eq'; readonly id: string }
  | { readonly kind: 'in'; readonly ids: readonly string[] };

/** The scope of a policy (`permit(principal == …, action in …, resource in …)`), used to slice the set per request. */
export interface PolicyScope {
  readonly principal: EntityScope;
  readonly action: ActionScope;
  readonly resource: EntityScope;
}

/** The one key an entity uid has in the scope index. */
export function uidKey(type: string, id: string): string {
  return `${type}::${JSON.stringify(id)}`;
}

function uidOf(json: EntityUidJson): string {
  const ref = '__entity' in json ? json.__entity : json;
  return uidKey(ref.type ?? 'Action', ref.id);
}

function entityScope(constraint: PolicyJson['principal']): EntityScope {
  switch (constraint.op) {
    case '==':
      return 'entity' in constraint ? { kind: 'eq', uid: uidOf(constraint.entity) } : { kind: 'all' };
    case 'in':
      return 'entity' in constraint ? { kind: 'in', uid: uidOf(constraint.entity) } : { kind: 'all' };
    case 'is':
      return constraint.in && 'entity' in constraint.in
        ? { kind: 'is', type: constraint.entity_type, in: uidOf(constraint.in.entity) }
        : { kind: 'is', type: constraint.entity_type };
    default:
      return { kind: 'all' };
  }
}

function actionId(json: EntityUidJson): string {
  return '__entity' in json ? json.__entity.id : json.id;
}

/** Reads the scope of a policy from Cedar's JSON form of it. */
export function scopeOf(policy: PolicyJson): PolicyScope {
  const action = policy.action;
  let actionScope: ActionScope = { kind: 'all' };
  if (action.op === '==' && 'entity' in action) actionScope = { kind: 'eq', id: actionId(action.entity) };
  if (action.op === 'in') {
    actionScope = {
      kind: 'in',
      ids: 'entities' in action ? action.entities.map(actionId) : [actionId(action.entity)],
    };
  }
  return { principal: entityScope(policy.principal), action: actionScope, resource: entityScope(policy.resource) };
}

/** The request's side of the scope check: each entity with itself and all its ancestors. */
export interface ScopeTarget {
  readonly principalType: string;
  /** uid keys of the principal and every ancestor. */
  readonly principal: ReadonlySet<string>;
  readonly principalUid: string;
  readonly action: string;
  /** the action id and every group it is in */
  readonly actions: ReadonlySet<string>;
  readonly resourceType: string;
  readonly resource: ReadonlySet<string>;
  readonly resourceUid: string;
}

function entityMatches(scope: EntityScope, type: string, uid: string, selfAndAncestors: ReadonlySet<string>): boolean {
  switch (scope.kind) {
    case 'all':
      return true;
    case 'eq':
      return scope.uid === uid;
    case 'in':
      return selfAndAncestors.has(scope.uid);
    case 'is':
      return scope.type === type && (scope.in === undefined || selfAndAncestors.has(scope.in));
  }
}

/**
 * Whether the policy's scope can hold for the request. False means the policy
 * provably does not apply (its scope is false, so it neither errors nor
 * decides), which is what makes slicing the set exact.
 */
export function scopeMayMatch(scope: PolicyScope, target: ScopeTarget): boolean {
  const action = scope.action;
  const actionOk =
    action.kind === 'all' ||
    (action.kind === 'eq' ? action.id === target.action : action.ids.some((id) => target.actions.has(id)));
  return (
    actionOk &&
    entityMatches(scope.principal, target.principalType, target.principalUid, target.principal) &&
    entityMatches(scope.resource, target.resourceType, target.resourceUid, target.resource)
  );
}
