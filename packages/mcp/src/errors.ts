import { ParleyError } from '@parley/core';

/**
 * JSON-RPC error codes the gateway answers with. MCP reserves -32002 (resource
 * not found) and -32042 (URL elicitation required); the others are
 * implementation-defined server errors (-32000 to -32099).
 * @see https://www.jsonrpc.org/specification#error_object
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic#error-handling
 */
export const McpErrorCode = {
  InvalidParams: -32602,
  MethodNotFound: -32601,
  InternalError: -32603,
  ResourceNotFound: -32002,
  PolicyDenied: -32003,
  ApprovalDenied: -32004,
  ApprovalExpired: -32005,
  ApprovalPending: -32006,
  ApprovalMismatch: -32007,
  ToolQuarantined: -32008,
  UpstreamUnavailable: -32010,
  UpstreamCredential: -32011,
  UpstreamAnswer: -32012,
} as const;

/**
 * A refusal or failure the gateway reports to the MCP caller: `rpcCode` goes on
 * the wire, `code` (stable `ERR_MCP_*`) in `error.data.code`, `publicMessage`
 * as the message. Detail in `message` stays in the log.
 */
export class McpGatewayError extends ParleyError {
  readonly rpcCode: number;
  readonly data: Readonly<Record<string, unknown>> | undefined;
  constructor(
    code: `ERR_MCP_${string}`,
    rpcCode: number,
    message: string,
    options: { publicMessage?: string; data?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(code, message, { status: 400, publicMessage: options.publicMessage ?? message, cause: options.cause });
    this.rpcCode = rpcCode;
    this.data = options.data;
  }
}

/** An upstream answered, but not with anything the gateway can pass on (the same on the direct and the SDK path). */
export function upstreamAnswerError(detail: string): McpGatewayError {
  return new McpGatewayError('ERR_MCP_UPSTREAM_ANSWER', McpErrorCode.UpstreamAnswer, `the upstream ${detail}`, {
    publicMessage: 'the upstream server sent an answer the gateway could not use',
  });
}
