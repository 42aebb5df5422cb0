import type { ElicitResult } from '@modelcontextprotocol/server';
import type { Caller, GuardDecision, GuardedAction, RequestPipeline } from '@parley/core';
import { McpErrorCode, McpGatewayError } from '../errors.ts';

export interface ApprovalOptions {
  /** How long a call waits for a pending approval (`mcp.approvalWait`). */
  readonly approvalWait: number;
  /** Sends a URL-mode elicitation to the caller, when its client declared support. */
  readonly elicitUrl?: (params: { message: string; url: string; elicitationId: string }) => Promise<ElicitResult>;
  readonly signal: AbortSignal;
  /** Learns the policy decision as soon as it is made, so a refusal is audited with it. */
  readonly onDecision?: (decision: GuardDecision) => void;
}

/**
 * The decide and approve steps of DESIGN.md's pipeline for one call: a deny is
 * refused; an approval-required decision shows the approval URL to a client
 * that supports URL elicitation, waits up to `approvalWait` for a human, and
 * consumes the approval (bound to the exact arguments) before the call runs.
 * Returns the decision to record; throws McpGatewayError to refuse.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/client/elicitation#url-mode-elicitation-requests
 */
export async function authorizeAction(
  pipeline: RequestPipeline,
  caller: Caller,
  action: GuardedAction,
  options: ApprovalOptions,
): Promise<GuardDecision> {
  const decision = await pipeline.decide(caller, action);
  options.onDecision?.(decision);
  if (decision.effect === 'deny') {
    throw new McpGatewayError(
      'ERR_MCP_POLICY_DENIED',
      McpErrorCode.PolicyDenied,
      `denied by policy: ${decision.reason}`,
      {
        publicMessage: `${action.action} on ${action.resource.id} is not permitted`,
      },
    );
  }
  if (decision.effect === 'allow') {
    if (decision.approvalId !== undefined) await consume(pipeline, decision.approvalId, caller, action);
    return decision;
  }
  const { approval } = decision;
  if (options.elicitUrl) {
    // The answer only says whether the user opened the URL; the approval itself is decided elsewhere.
    await options
      .elicitUrl({
        message: `Approval is required to run ${action.resource.id}. Open the link to approve or deny.`,
        url: approval.url,
        elicitationId: approval.id,
      })
      .catch(() => undefined);
  }
  const outcome = await waitBounded(pipeline, approval.id, options);
  if (outcome === 'pending') {
    throw new McpGatewayError('ERR_MCP_APPROVAL_PENDING', McpErrorCode.ApprovalPending, 'approval still pending', {
      publicMessage: `approval required: approve at ${approval.url}, then call again`,
      data: { approvalId: approval.id, url: approval.url, expiresAt: approval.expiresAt },
    });
  }
  if (outcome === 'denied') {
    throw new McpGatewayError('ERR_MCP_APPROVAL_DENIED', McpErrorCode.ApprovalDenied, 'approval denied', {
      publicMessage: `the approval for ${action.resource.id} was denied`,
      data: { approvalId: approval.id },
    });
  }
  if (outcome === 'expired') {
    throw new McpGatewayError('ERR_MCP_APPROVAL_EXPIRED', McpErrorCode.ApprovalExpired, 'approval expired', {
      publicMessage: `the approval for ${action.resource.id} expired before it was decided`,
      data: { approvalId: approval.id },
    });
  }
  await consume(pipeline, approval.id, caller, action);
  return { effect: 'allow', policies: decision.policies, approvalId: approval.id };
}

async function consume(
  pipeline: RequestPipeline,
  approvalId: string,
  caller: Caller,
  action: GuardedAction,
): Promise<void> {
  if (await pipeline.consumeApproval(approvalId, caller, action)) return;
  throw new McpGatewayError(
    'ERR_MCP_APPROVAL_MISMATCH',
    McpErrorCode.ApprovalMismatch,
    'approval does not match this call',
    {
      publicMessage: 'the approval does not cover this call (the arguments changed, or it was already used)',
      data: { approvalId },
    },
  );
}

async function waitBounded(
  pipeline: RequestPipeline,
  approvalId: string,
  options: ApprovalOptions,
): Promise<'approved' | 'denied' | 'expired' | 'pending'> {
  const timeout = AbortSignal.timeout(Math.max(0, options.approvalWait));
  const signal = AbortSignal.any([timeout, options.signal]);
  try {
    return await pipeline.waitForApproval(approvalId, signal);
  } catch (error) {
    if (timeout.aborted && !options.signal.aborted) return 'pending';
    throw error;
  }
}
