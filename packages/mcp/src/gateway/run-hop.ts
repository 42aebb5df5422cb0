import { isInputRequiredResult, ProtocolError } from '@modelcontextprotocol/server';
import type { GuardDecision, GuardedAction, HopRecord, Logger } from '@parley/core';
import { McpErrorCode, McpGatewayError } from '../errors.ts';
import type { CallRelay } from '../upstream/call-relay.ts';
import type { GatewayDeps, GatewaySession } from './gateway-server.ts';
import { type ApprovalOptions, authorizeAction } from './guard.ts';

/** What one guarded call needs from the request it serves. */
export interface HopContext {
  /** Aborts when the caller goes away (or cancels). */
  readonly signal: AbortSignal;
  /** Shows an approval URL to the caller, when its client supports URL elicitation. */
  readonly elicitUrl?: ApprovalOptions['elicitUrl'];
  /** The relay the upstream call runs with, given the upstream's credential headers. */
  relay(headers: Readonly<Record<string, string>>): CallRelay;
}

/**
 * DESIGN.md's pipeline for one call after authentication: decide → approve →
 * credential → forward → record. Errors come out as JSON-RPC errors with a
 * public message; the detail stays in the audit entry and the log. An approval
 * covers one completed call: when the upstream answers `input_required`, the
 * approval the call used is released for the retry that carries the answer.
 */
export async function runHop<T>(
  deps: GatewayDeps,
  session: GatewaySession,
  guarded: GuardedAction,
  hop: HopContext,
  forward: (relay: CallRelay) => Promise<T>,
): Promise<T> {
  const started = deps.now();
  let decision: GuardDecision | undefined;
  const record = (outcome: HopRecord['outcome'], error?: string) =>
    deps.pipeline
      .record({
        caller: session.caller,
        action: guarded,
        decision,
        outcome,
        ...(error === undefined ? {} : { error }),
        latencyMs: deps.now() - started,
      })
      .catch((err: unknown) => deps.logger.error({ err }, 'recording an MCP hop failed'));
  try {
    decision = await authorizeAction(deps.pipeline, session.caller, guarded, {
      approvalWait: deps.approvalWait,
      signal: hop.signal,
      onDecision: (made) => {
        decision = made;
      },
      ...(hop.elicitUrl ? { elicitUrl: hop.elicitUrl } : {}),
    });
    const upstreamName = guarded.parents?.[0]?.id ?? guarded.resource.id;
    const upstream = deps.federation.get(upstreamName);
    const headers = upstream ? await deps.credentials(upstream).forCaller(session.caller) : {};
    const relay = hop.relay(headers);
    const result = await deps.pipeline.forward(guarded, () => forward(relay));
    // A call that asks for input has not completed: its approval stays for the retry that answers.
    if (isInputRequiredResult(result) && decision?.effect === 'allow' && decision.approvalId !== undefined) {
      await deps.pipeline.releaseApproval(decision.approvalId, session.caller, guarded);
    }
    await record('ok');
    return result;
  } catch (error) {
    await record(outcomeOf(error), error instanceof Error ? error.message : String(error));
    throw toProtocolError(error, deps.logger);
  }
}

function outcomeOf(error: unknown): HopRecord['outcome'] {
  if (!(error instanceof McpGatewayError)) return 'error';
  if (error.code === 'ERR_MCP_APPROVAL_PENDING') return 'pending';
  if (
    error.code === 'ERR_MCP_POLICY_DENIED' ||
    error.code.startsWith('ERR_MCP_APPROVAL') ||
    error.code === 'ERR_MCP_TOOL_QUARANTINED'
  ) {
    return 'denied';
  }
  return 'error';
}

/** Anything thrown becomes a JSON-RPC error with a public message; detail stays in the log. */
export function toProtocolError(error: unknown, logger: Logger): ProtocolError {
  if (error instanceof McpGatewayError) {
    return new ProtocolError(error.rpcCode, error.publicMessage, { code: error.code, ...error.data });
  }
  if (error instanceof ProtocolError) return error;
  if (error instanceof Error && typeof (error as { code?: unknown }).code === 'number') {
    const { code, data } = error as Error & { code: number; data?: unknown };
    return new ProtocolError(code, error.message, data);
  }
  logger.error({ err: error }, 'MCP request failed');
  return new ProtocolError(McpErrorCode.InternalError, 'internal error');
}
