import {
  ATTR_APPROVAL_ID,
  ATTR_APPROVAL_OUTCOME,
  ATTR_AUDIT_SEQ,
  ATTR_OUTCOME,
  type AuditLog,
  actionAttributes,
  activeTraceId,
  callerAttributes,
  decisionAttributes,
  type MeshMetrics,
  withStepSpan,
} from '@parley/audit';
import type { ApprovalOutcome, Caller, GuardDecision, GuardedAction, HopRecord, RequestPipeline } from '@parley/core';
import { ParleyError } from '@parley/core';
import { type IdentityService, TOKEN_TYPE } from '@parley/identity';
import type { PolicyService } from '@parley/policy';

export interface MeshPipelineOptions {
  identity: IdentityService;
  policy: PolicyService;
  audit: AuditLog;
  metrics: MeshMetrics;
  /** The agent that acts when the gateway itself exchanges a token for an upstream. */
  defaultActor: string;
}

/**
 * DESIGN.md's request pipeline, composed from identity (authenticate,
 * credential), policy (decide, approve) and audit (record), with a span for
 * every step. The MCP gateway and the A2A proxy are two front doors into it.
 */
export class MeshPipeline implements RequestPipeline {
  readonly #o: MeshPipelineOptions;

  constructor(options: MeshPipelineOptions) {
    this.#o = options;
  }

  authenticate: RequestPipeline['authenticate'] = (request, resource) =>
    withStepSpan('authenticate', { 'url.full': resource.url }, async (span) => {
      const caller = await this.#o.identity.authenticate(request, resource);
      span.setAttributes(callerAttributes(caller));
      return caller;
    });

  decide(caller: Caller, action: GuardedAction): Promise<GuardDecision> {
    return withStepSpan('decide', { ...callerAttributes(caller), ...actionAttributes(action) }, async (span) => {
      const decision = await this.#o.policy.decide(caller, action);
      span.setAttributes(decisionAttributes(decision));
      this.#o.metrics.recordDecision(decision.effect, action.protocol);
      if (decision.effect === 'approval-required') {
        span.setAttribute(ATTR_APPROVAL_ID, decision.approval.id);
        this.#o.metrics.recordApproval('requested');
      }
      return decision;
    });
  }

  permitted(caller: Caller, actions: readonly GuardedAction[]): Promise<boolean[]> {
    return this.#o.policy.permitted(caller, actions);
  }

  waitForApproval(approvalId: string, signal?: AbortSignal): Promise<ApprovalOutcome> {
    return withStepSpan('approve', { [ATTR_APPROVAL_ID]: approvalId }, async (span) => {
      const outcome = await this.#o.policy.waitForApproval(approvalId, signal);
      span.setAttribute(ATTR_APPROVAL_OUTCOME, outcome);
      this.#o.metrics.recordApproval(outcome);
      return outcome;
    });
  }

  consumeApproval(approvalId: string, caller: Caller, action: GuardedAction): Promise<boolean> {
    return this.#o.policy.consumeApproval(approvalId, caller, action);
  }

  releaseApproval(approvalId: string, caller: Caller, action: GuardedAction): Promise<void> {
    return this.#o.policy.releaseApproval(approvalId, caller, action);
  }

  credentialFor(caller: Caller, audience: string, options: { actor?: string; scope?: string } = {}): Promise<string> {
    const actorName = options.actor ?? this.#o.defaultActor;
    return withStepSpan('exchange', { ...callerAttributes(caller), 'parley.audience': audience }, async () => {
      const actor = this.#o.identity.directory.principal(actorName);
      if (!actor?.clientId) {
        throw new ParleyError('ERR_PIPELINE_NO_ACTOR', `no OAuth client for actor ${actorName}`, { status: 500 });
      }
      const result = await this.#o.identity.exchangeToken({
        subjectToken: caller.bearer,
        subjectTokenType: caller.credential === 'api-key' ? TOKEN_TYPE.apiKey : TOKEN_TYPE.accessToken,
        actorClientId: actor.clientId,
        resource: audience,
        scope: options.scope,
        // `authenticate` accepted this caller's token, with its DPoP proof when it is bound.
        possessionProven: true,
      });
      return result.accessToken;
    });
  }

  forward<T>(action: GuardedAction, call: () => Promise<T>): Promise<T> {
    return withStepSpan('forward', actionAttributes(action), () => call());
  }

  record(hop: HopRecord): Promise<void> {
    this.#o.metrics.recordHop(hop);
    return withStepSpan('record', { [ATTR_OUTCOME]: hop.outcome }, async (span) => {
      const receipt = await this.#o.audit.recordHop(hop, activeTraceId());
      // Links the trace to its audit entry (`parley audit search --trace` goes the other way).
      span.setAttribute(ATTR_AUDIT_SEQ, receipt.seq);
    });
  }
}
