import {
  type ApprovalOutcome,
  type Caller,
  type Clock,
  canonicalDigest,
  type GuardDecision,
  type GuardedAction,
  NotFoundError,
} from '@parley/core';
import { type Approval, type ApprovalBinding, entityText } from '../approvals/approval.ts';
import type { ApprovalService } from '../approvals/approval-service.ts';
import type { CedarValueJson } from '../cedar/cedar.ts';
import { denyReason, type PolicyDecision } from '../engine/decision.ts';
import type { DecisionRequest } from '../engine/decision-request.ts';
import { fromCaller, principalOf } from '../engine/from-caller.ts';
import type { PolicyEngine } from '../engine/policy-engine.ts';
import { type Explanation, explainDecision } from './explanation.ts';
import type { PolicySet } from './policy-set.ts';

/** The mesh entity administration actions apply to. */
export const MESH_ENTITY = { type: 'Mesh', id: 'parley' } as const;

/**
 * The `decide` and `approve` steps of the request pipeline, over the policy
 * set in force and the approvals store. Published as the `policy` service.
 * @see RequestPipeline
 */
export class PolicyService {
  readonly policySet: PolicySet;
  readonly approvals: ApprovalService;
  readonly #clock: Clock;

  constructor(options: { policySet: PolicySet; approvals: ApprovalService; clock: Clock }) {
    this.policySet = options.policySet;
    this.approvals = options.approvals;
    this.#clock = options.clock;
  }

  get engine(): PolicyEngine {
    return this.policySet.engine;
  }

  /** Decides a request as given (no approvals are created). */
  authorize(request: DecisionRequest): PolicyDecision {
    return this.engine.authorize(request);
  }

  /** Decides and explains a request: determining policies with file and line, approval needed or not. */
  explain(request: DecisionRequest): Explanation {
    return explainDecision(this.engine, this.engine.authorize(request));
  }

  /**
   * Decides an action. When a determining policy requires approval, returns the
   * open approval for exactly this call (creating a pending one if there is
   * none); if that approval is already approved and unused, the decision is
   * `allow` with its `approvalId`, which the caller must consume before acting.
   * @see RequestPipeline.decide
   */
  async decide(caller: Caller, action: GuardedAction): Promise<GuardDecision> {
    const decision = this.engine.authorize(fromCaller(caller, action, { now: this.#clock.now() }));
    if (decision.code === 'deny') return { effect: 'deny', policies: decision.policies, reason: denyReason(decision) };
    if (decision.code === 'allow') return { effect: 'allow', policies: decision.policies };
    const binding = bindingOf(caller, action);
    const approved = await this.approvals.findApproved(binding);
    if (approved) {
      // Policy may look at `context.approval`; an approved call is decided again with it.
      const again = this.engine.authorize(fromCaller(caller, action, { now: this.#clock.now(), approval: 'approved' }));
      if (again.code === 'deny') return { effect: 'deny', policies: again.policies, reason: denyReason(again) };
      return { effect: 'allow', policies: again.policies, approvalId: approved.id };
    }
    const approval = await this.approvals.request(binding, {
      arguments: action.arguments ?? {},
      policies: decision.policies,
      requestedWith: credentialKey(caller),
    });
    return {
      effect: 'approval-required',
      policies: decision.policies,
      approval: { id: approval.id, url: approval.url, expiresAt: approval.expiresAt },
    };
  }

  /**
   * Which actions the caller may perform, for list filtering (`tools/list`,
   * the agent registry). An action that needs approval counts as permitted:
   * the caller may use it, after a human agrees. Creates no approvals.
   * @see RequestPipeline.permitted
   */
  async permitted(caller: Caller, actions: readonly GuardedAction[]): Promise<boolean[]> {
    const now = this.#clock.now();
    return actions.map((action) => this.engine.authorize(fromCaller(caller, action, { now })).code !== 'deny');
  }

  /** @see RequestPipeline.waitForApproval */
  waitForApproval(approvalId: string, signal?: AbortSignal): Promise<ApprovalOutcome> {
    return this.approvals.waitForApproval(approvalId, signal);
  }

  /** @see RequestPipeline.consumeApproval */
  consumeApproval(approvalId: string, caller: Caller, action: GuardedAction): Promise<boolean> {
    return this.approvals.consumeApproval(approvalId, bindingOf(caller, action));
  }

  /** @see RequestPipeline.releaseApproval */
  releaseApproval(approvalId: string, caller: Caller, action: GuardedAction): Promise<void> {
    return this.approvals.releaseApproval(approvalId, bindingOf(caller, action));
  }

  /** Decides an administration action (`policies/read`, `policies/write`) on the mesh. */
  authorizeAdmin(caller: Caller, action: 'policies/read' | 'policies/write', audience: string): PolicyDecision {
    return this.engine.authorize(this.#adminRequest(caller, action, MESH_ENTITY, audience));
  }

  /** Whether the caller may see the approval (`approvals/read` on `Approval::"<id>"`). */
  mayReadApproval(caller: Caller, approval: Approval, audience: string): boolean {
    return (
      this.engine.authorize(this.#adminRequest(caller, 'approvals/read', approvalEntity(approval), audience)).code ===
      'allow'
    );
  }

  /**
   * Approves or denies an approval, if policy permits the caller to
   * (`approve` / `deny` on `Approval::"<id>"`; the built-in policies let the
   * on-behalf-of user and administrators decide). Never with the credential
   * that asked for it: an agent or MCP host holding a user's API key would
   * otherwise approve its own call, and the approval would not be a human's.
   * Returns the decision data when refused, the decided approval otherwise.
   */
  async decideApproval(
    caller: Caller,
    id: string,
    outcome: 'approved' | 'denied',
    audience: string,
  ): Promise<
    { code: 'decided'; approval: Approval } | { code: 'forbidden'; decision: PolicyDecision } | { code: 'own-request' }
  > {
    const approval = await this.approvals.get(id);
    if (!approval) throw new NotFoundError(`approval ${id}`);
    if ((await this.approvals.requestedWith(id)) === credentialKey(caller)) return { code: 'own-request' };
    const action = outcome === 'approved' ? 'approve' : 'deny';
    const decision = this.engine.authorize(this.#adminRequest(caller, action, approvalEntity(approval), audience));
    if (decision.code !== 'allow') return { code: 'forbidden', decision };
    return { code: 'decided', approval: await this.approvals.decide(id, outcome, entityText(caller.principal)) };
  }

  #adminRequest(
    caller: Caller,
    action: string,
    resource: DecisionRequest['resource'],
    audience: string,
  ): DecisionRequest {
    return {
      principal: principalOf(caller),
      action,
      resource,
      context: {
        protocol: 'admin',
        audience,
        actorChain: caller.actorChain,
        onBehalfOf: caller.onBehalfOf,
        scopes: caller.scopes,
        client: caller.clientId,
        approval: 'none',
        time: this.#clock.now(),
      },
    };
  }
}

/**
 * The credential a caller presented, as an approval records who asked:
 * `api-key:<key id>` for an API key, `<kind>:<token id>` for a token.
 */
export function credentialKey(caller: Caller): string {
  return `${caller.credential}:${caller.credentialId}`;
}

/** What an approval binds: the exact principal, chain, action, resource, user and argument digest. */
export function bindingOf(caller: Caller, action: GuardedAction): ApprovalBinding {
  return {
    principal: caller.principal,
    actorChain: caller.actorChain,
    action: action.action,
    resource: { type: action.resource.type, id: action.resource.id, parents: action.parents ?? [] },
    onBehalfOf: caller.onBehalfOf,
    argumentsDigest: canonicalDigest(action.arguments ?? {}),
  };
}

/** An approval as Cedar sees it: `Approval::"<id>"` with its state and on-behalf-of user. */
export function approvalEntity(approval: Approval): DecisionRequest['resource'] {
  const attributes: Record<string, CedarValueJson> = {
    state: approval.state,
    principal: entityText(approval.principal),
    action: approval.action,
    resource: entityText(approval.resource),
  };
  if (approval.onBehalfOf)
    attributes.onBehalfOf = { __entity: { type: approval.onBehalfOf.type, id: approval.onBehalfOf.id } };
  return { type: 'Approval', id: approval.id, attributes };
}
