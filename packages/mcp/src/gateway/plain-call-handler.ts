import { isInputRequiredResult, ProtocolErrorCode, SERVER_INFO_META_KEY } from '@modelcontextprotocol/server';
import type { Logger } from '@parley/core';
import type { PlainToolCall } from '../http/plain-tool-call.ts';
import { assertCallerCanAnswer } from '../upstream/input-required.ts';
import type { Federation } from './federation.ts';
import { GATEWAY_INFO, type GatewayDeps, type GatewaySession, guardedAction } from './gateway-server.ts';
import { runHop, toProtocolError } from './run-hop.ts';

/** An upstream tool a plain call may reach directly. */
export type PlainTarget = NonNullable<ReturnType<Federation['findTool']>>;

/**
 * The upstream tool `name` resolves to, when a plain call may go to it
 * directly: not one of Parley's own tools, not quarantined (the SDK path
 * refuses and audits those), on an upstream that takes plain calls.
 */
export function plainTarget(federation: Federation, name: string, virtualServer: string | undefined) {
  if (federation.findLocalTool(name, virtualServer)) return undefined;
  const found = federation.findTool(name, virtualServer);
  if (!found || found.quarantined || !found.upstream.acceptsPlainCall(found.tool)) return undefined;
  return found;
}

/** A JSON-RPC response to send, with its HTTP status. */
export interface PlainAnswer {
  readonly status: number;
  readonly body: string;
}

/**
 * Runs a plain `tools/call` through the same pipeline as every other call
 * (decide, approve, credential, forward, record) and returns the JSON-RPC
 * response: the upstream's result as it came (an `input_required` one only
 * when it asks for what the caller declared it can give), or the error the
 * SDK's server would have answered with, on the status it would have used.
 * @see https://modelcontextprotocol.io/specification/2026-07-28/server/tools#calling-tools
 */
export async function answerPlainCall(
  deps: GatewayDeps,
  session: GatewaySession,
  target: PlainTarget,
  call: PlainToolCall,
  signal: AbortSignal,
): Promise<PlainAnswer> {
  const { upstream, tool } = target;
  const action = guardedAction(
    session,
    'tools/call',
    'Tool',
    `${upstream.name}.${tool.name}`,
    upstream.name,
    call.arguments ?? {},
  );
  try {
    const result = await runHop(
      deps,
      session,
      action,
      { signal, relay: (headers) => ({ signal, headers }) },
      async (relay) => {
        const answer = await upstream.callToolPlain(tool.name, call.arguments, call.clientCapabilities, relay);
        if (isInputRequiredResult(answer)) assertCallerCanAnswer(answer, call.clientCapabilities);
        return answer;
      },
    );
    return { status: 200, body: JSON.stringify({ jsonrpc: '2.0', id: call.id, result: withServerInfo(result) }) };
  } catch (error) {
    return errorAnswer(call.id, error, deps.logger);
  }
}

/** A 2026-07-28 result names the server that produced it; the SDK's server adds the gateway when the upstream did not. */
function withServerInfo(result: Record<string, unknown>): Record<string, unknown> {
  const meta = result._meta as Record<string, unknown> | undefined;
  if (meta?.[SERVER_INFO_META_KEY] !== undefined) return result;
  return { ...result, _meta: { ...meta, [SERVER_INFO_META_KEY]: GATEWAY_INFO } };
}

function errorAnswer(id: string | number, error: unknown, logger: Logger): PlainAnswer {
  const { code, message, data } = toProtocolError(error, logger);
  return {
    // A handler's error is in-band (200), except the one the spec gives its own status.
    status: code === ProtocolErrorCode.MissingRequiredClientCapability ? 400 : 200,
    body: JSON.stringify({ jsonrpc: '2.0', id, error: { code, message, ...(data === undefined ? {} : { data }) } }),
  };
}
