import { cedar } from '../cedar/cedar.ts';
import { PolicyEvaluationError } from '../errors.ts';
import { actionGroups } from '../schema/parley-schema.ts';
import type { CompiledPolicy } from '../source/compile.ts';
import { type ScopeTarget, scopeMayMatch, uidKey } from '../source/policy-scope.ts';
import type { EvaluationProblem, PolicyDecision } from './decision.ts';
import { DecisionCache } from './decision-cache.ts';
import { type CedarRequest, type DecisionRequest, toCedarRequest } from './decision-request.ts';

/** How many distinct slices stay preparsed before the cache starts over. */
const MAX_SLICES = 512;
/** How many decisions are remembered. */
const MAX_DECISIONS = 10_000;
/** Longest key remembered: large arguments are decided every time rather than held in memory. */
const MAX_KEY_LENGTH = 2_048;
/** Context attributes that change from one request to the next on their own. */
const VOLATILE_CONTEXT = new Set(['time', 'now']);
let engineSeq = 0;

/** A preparsed subset of the policies, and what of the context they can observe. */
interface Slice {
  readonly id: string;
  /** The context attributes a decision of this slice depends on; undefined when it cannot be reused. */
  readonly contextKeys: readonly string[] | undefined;
}

const NO_POLICY: Slice = { id: '', contextKeys: [] };

/**
 * Decides requests against the policy set in force. Policies are parsed once
 * (Cedar's preparsed, stateful API); per request the set is sliced to the
 * policies whose scope can match, and each distinct slice is preparsed once
 * and cached, so a decision costs the same with 10 or 1,000 policies loaded.
 * A decision is remembered, keyed by the request's entities and the context
 * attributes the slice's policies read, unless one of them reads the clock
 * (`context.time`, `context.now`) or the context as a whole: Cedar's answer is
 * a function of exactly those inputs, so a repeated request is answered
 * without evaluating it again.
 * @see https://docs.cedarpolicy.com/auth/authorization.html
 */
export class PolicyEngine {
  readonly #name = `parley-${++engineSeq}`;
  #policies: readonly CompiledPolicy[] = [];
  #byId = new Map<string, CompiledPolicy>();
  /** request scope key -> preparsed slice (id '' when no policy can apply) */
  #sliceByScope = new Map<string, Slice>();
  /** sorted policy indexes -> preparsed slice */
  #sliceByMembers = new Map<string, Slice>();
  #decisions = new DecisionCache<PolicyDecision>(MAX_DECISIONS);
  #generation = 0;
  #evaluations = 0;

  constructor(policies: readonly CompiledPolicy[] = []) {
    this.load(policies);
  }

  /** The policy set in force. */
  get policies(): readonly CompiledPolicy[] {
    return this.#policies;
  }

  /** Increments on every `load`; lets callers tell sets apart. */
  get generation(): number {
    return this.#generation;
  }

  /** How many requests Cedar has evaluated (remembered decisions are not evaluated again). */
  get evaluations(): number {
    return this.#evaluations;
  }

  policy(id: string): CompiledPolicy | undefined {
    return this.#byId.get(id);
  }

  /** Puts a compiled (already validated) set in force, replacing the previous one atomically. */
  load(policies: readonly CompiledPolicy[]): void {
    this.#policies = policies;
    this.#byId = new Map(policies.map((p) => [p.id, p]));
    this.#sliceByScope.clear();
    this.#sliceByMembers.clear();
    this.#decisions.clear();
    this.#generation++;
  }

  /** Decides one request. Synchronous: Cedar runs in process. */
  authorize(request: DecisionRequest): PolicyDecision {
    const slice = this.#sliceFor(request);
    if (slice.id === '') return { code: 'deny', reason: 'no-permit', policies: [], errors: [] };
    const call = toCedarRequest(request);
    const computed = slice.contextKeys && decisionKey(slice.id, call, slice.contextKeys);
    const key = computed !== undefined && computed.length <= MAX_KEY_LENGTH ? computed : undefined;
    const known = key === undefined ? undefined : this.#decisions.get(key);
    if (known) return known;
    const decision = this.#evaluate(slice.id, call);
    if (key !== undefined) this.#decisions.set(key, decision);
    return decision;
  }

  #evaluate(sliceId: string, call: CedarRequest): PolicyDecision {
    this.#evaluations++;
    const answer = cedar.statefulIsAuthorized({ ...call, preparsedPolicySetId: sliceId });
    if (answer.type === 'failure') {
      throw new PolicyEvaluationError(`cedar could not evaluate: ${answer.errors.map((e) => e.message).join('; ')}`);
    }
    const { decision, diagnostics } = answer.response;
    const errors: EvaluationProblem[] = diagnostics.errors.map((e) => ({
      policyId: e.policyId,
      message: e.error.message,
    }));
    const failedForbids = errors.map((e) => e.policyId).filter((id) => this.#byId.get(id)?.effect === 'forbid');
    if (failedForbids.length > 0) return { code: 'deny', reason: 'forbid-failed', policies: failedForbids, errors };
    const determining = diagnostics.reason;
    if (decision === 'deny') {
      return {
        code: 'deny',
        reason: determining.length > 0 ? 'forbidden' : 'no-permit',
        policies: determining,
        errors,
      };
    }
    const approvalPolicies = determining.filter((id) => this.#byId.get(id)?.annotations.approval === 'required');
    if (approvalPolicies.length > 0)
      return { code: 'approval-required', policies: determining, approvalPolicies, errors };
    return { code: 'allow', policies: determining, errors };
  }

  #sliceFor(request: DecisionRequest): Slice {
    const principal = selfAndAncestors(request.principal);
    const resource = selfAndAncestors(request.resource);
    const scopeKey = `${[...principal].join(',')}|${request.action}|${[...resource].join(',')}`;
    const cached = this.#sliceByScope.get(scopeKey);
    if (cached !== undefined) return cached;
    const target: ScopeTarget = {
      principalType: request.principal.type,
      principalUid: uidKey(request.principal.type, request.principal.id),
      principal,
      action: request.action,
      actions: new Set([request.action, ...actionParents(request)]),
      resourceType: request.resource.type,
      resourceUid: uidKey(request.resource.type, request.resource.id),
      resource,
    };
    const members: number[] = [];
    this.#policies.forEach((policy, index) => {
      if (scopeMayMatch(policy.scope, target)) members.push(index);
    });
    const slice = members.length === 0 ? NO_POLICY : this.#preparse(members);
    if (this.#sliceByScope.size >= MAX_SLICES) this.#sliceByScope.clear();
    this.#sliceByScope.set(scopeKey, slice);
    return slice;
  }

  #preparse(members: readonly number[]): Slice {
    const key = members.join(',');
    const existing = this.#sliceByMembers.get(key);
    if (existing !== undefined) return existing;
    if (this.#sliceByMembers.size >= MAX_SLICES) {
      // Reusing ids overwrites Cedar's cached sets, which bounds its memory.
      this.#sliceByMembers.clear();
      this.#sliceByScope.clear();
    }
    const id = `${this.#name}-${this.#sliceByMembers.size}`;
    const staticPolicies: Record<string, string> = {};
    for (const index of members) {
      const policy = this.#policies[index] as CompiledPolicy;
      staticPolicies[policy.id] = policy.text;
    }
    const answer = cedar.preparsePolicySet(id, { staticPolicies });
    if (answer.type === 'failure') {
      throw new PolicyEvaluationError(
        `cedar could not load the policy set: ${answer.errors.map((e) => e.message).join('; ')}`,
      );
    }
    const slice: Slice = { id, contextKeys: contextKeysOf(members.map((i) => this.#policies[i] as CompiledPolicy)) };
    this.#sliceByMembers.set(key, slice);
    return slice;
  }
}

/** The union of what the policies read of the context, or undefined when a decision depends on more than that. */
function contextKeysOf(policies: readonly CompiledPolicy[]): readonly string[] | undefined {
  const keys = new Set<string>();
  for (const policy of policies) {
    if (policy.contextReads === 'all') return undefined;
    for (const key of policy.contextReads) {
      if (VOLATILE_CONTEXT.has(key)) return undefined;
      keys.add(key);
    }
  }
  return [...keys].sort();
}

function decisionKey(sliceId: string, call: CedarRequest, contextKeys: readonly string[]): string {
  const context = contextKeys.map((key) => call.context[key] ?? null);
  return `${sliceId}\u0000${JSON.stringify([call.principal, call.action, call.resource, call.entities, context])}`;
}

function selfAndAncestors(entity: DecisionRequest['principal']): Set<string> {
  const keys = new Set([uidKey(entity.type, entity.id)]);
  for (const parent of entity.parents ?? []) keys.add(uidKey(parent.type, parent.id));
  return keys;
}

function actionParents(request: DecisionRequest): readonly string[] {
  return actionGroups.get(request.action) ?? [];
}
