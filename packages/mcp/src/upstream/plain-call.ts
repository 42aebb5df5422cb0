import { isCallToolResult, ProtocolError, type Tool } from '@modelcontextprotocol/client';
import { injectTraceHeaders } from '@parley/audit';
import {
  type GuardedFetch,
  type GuardedResponse,
  type GuardedStreamResponse,
  linkSignals,
  serverSentData,
} from '@parley/core';
import { upstreamAnswerError } from '../errors.ts';
import { passInputRequired } from './input-required.ts';

/** A `tools/call` as one POST to a 2026-07-28 upstream. */
export interface PlainCall {
  readonly url: string;
  /** The protocol revision negotiated with the upstream (2026-07-28 or later). */
  readonly protocolVersion: string;
  readonly id: number;
  readonly name: string;
  readonly arguments: Record<string, unknown> | undefined;
  /** What the caller declared it can answer (elicitation, sampling, roots), declared upstream as the gateway's own. */
  readonly clientCapabilities: Readonly<Record<string, unknown>>;
  /** The upstream's credential headers. */
  readonly headers: Readonly<Record<string, string>>;
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
}

const CLIENT_INFO = { name: 'parley-gateway', version: '0.1.0' };
// Tool names are [A-Za-z0-9_.-] by the spec; anything else would need the Mcp-Name header's Base64 form.
const PLAIN_NAME = /^[A-Za-z0-9_.-]{1,128}$/;
const declaresHeaders = new WeakMap<Tool, boolean>();

/**
 * Whether a call to `tool` can go out as a plain POST: its name needs no
 * encoding in `Mcp-Name`, and its input schema declares no `x-mcp-header`
 * parameters (which the SDK client mirrors into request headers).
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports#standard-request-headers
 */
export function isPlainTool(tool: Tool): boolean {
  let declares = declaresHeaders.get(tool);
  if (declares === undefined) {
    declares = JSON.stringify(tool.inputSchema ?? {}).includes('"x-mcp-header"');
    declaresHeaders.set(tool, declares);
  }
  return !declares && PLAIN_NAME.test(tool.name);
}

/**
 * Sends one stateless 2026-07-28 `tools/call` through the guarded client and
 * reads its answer, as JSON or as an SSE stream, without an SDK client: the
 * gateway's hot path. It asks for no progress and no log messages (the caller
 * asked for none), and declares the caller's client capabilities, so a
 * well-behaved upstream asks only for input the caller can give, by answering
 * `input_required` (2026-07-28 servers send no requests on the stream). A
 * well-formed `input_required` result is returned as it came, for the caller to
 * answer. An upstream error answer is thrown as a `ProtocolError` carrying its
 * code; a malformed result, or a 2xx answer that is not a JSON-RPC response to
 * this call, as an `McpGatewayError`; a failed exchange (network, non-2xx
 * without an answer) as the error it is.
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports#sending-messages-to-the-server
 */
export async function sendPlainCall(guarded: GuardedFetch, call: PlainCall): Promise<Record<string, unknown>> {
  const body = JSON.stringify({
    jsonrpc: '2.0',
    id: call.id,
    method: 'tools/call',
    params: {
      name: call.name,
      ...(call.arguments === undefined ? {} : { arguments: call.arguments }),
      _meta: {
        'io.modelcontextprotocol/protocolVersion': call.protocolVersion,
        'io.modelcontextprotocol/clientInfo': CLIENT_INFO,
        'io.modelcontextprotocol/clientCapabilities': call.clientCapabilities,
      },
    },
  });
  const headers = injectTraceHeaders({
    ...call.headers,
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': call.protocolVersion,
    'mcp-method': 'tools/call',
    'mcp-name': call.name,
  });
  // The guarded client's own deadline ends once an SSE head is in; the call's does not.
  const deadline = new AbortController();
  const signal = linkSignals(call.signal, deadline.signal);
  const started = Date.now();
  let message: Message | undefined;
  let response: GuardedResponse | GuardedStreamResponse;
  try {
    response = await guarded(call.url, {
      method: 'POST',
      headers,
      credentialHeaders: Object.keys(call.headers),
      body,
      signal: signal.signal,
      stream: 'event-stream',
      timeoutMs: call.timeoutMs,
      idleTimeoutMs: call.timeoutMs,
    });
    if (response.streamed) {
      const left = Math.max(0, call.timeoutMs - (Date.now() - started));
      const timer = setTimeout(() => deadline.abort(new Error(`no answer within ${call.timeoutMs} ms`)), left);
      try {
        message = await responseFromStream(response, call.id);
      } finally {
        clearTimeout(timer);
      }
    } else {
      message = parseMessage(response.body.length === 0 ? '' : response.text());
    }
  } finally {
    signal.dispose();
  }
  if (message === undefined || !isResponseTo(message, call.id)) {
    // A failed exchange without an answer is an outage (the caller's upstream is unavailable), not a bad answer.
    if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`);
    throw upstreamAnswerError(`answered HTTP ${response.status} without a JSON-RPC response to the call`);
  }
  return resultOf(message);
}

type Message = Record<string, unknown>;

function parseMessage(text: string): Message | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Message) : undefined;
  } catch {
    return undefined;
  }
}

function isResponseTo(message: Message, id: number): boolean {
  return message.jsonrpc === '2.0' && message.id === id && ('result' in message || 'error' in message);
}

function resultOf(message: Message): Record<string, unknown> {
  const error = message.error as { code?: unknown; message?: unknown; data?: unknown } | undefined;
  if (error !== undefined) {
    if (typeof error?.code !== 'number' || typeof error.message !== 'string')
      throw upstreamAnswerError('sent a malformed error');
    throw new ProtocolError(error.code, error.message, error.data);
  }
  const result = message.result as Record<string, unknown>;
  if (typeof result !== 'object' || result === null || Array.isArray(result))
    throw upstreamAnswerError('sent a malformed result');
  // The caller answers an upstream's request for input and retries (which, carrying its answers, takes the SDK path).
  if (result.resultType === 'input_required') return passInputRequired(result);
  // Only `content` must be a spec shape here; `structuredContent` may be any JSON on 2026-07-28.
  if (
    !isCallToolResult({ content: result.content, ...(result.isError === undefined ? {} : { isError: result.isError }) })
  ) {
    throw upstreamAnswerError('sent a result that is not a tool result');
  }
  return result.resultType === undefined ? { ...result, resultType: 'complete' } : result;
}

/** Reads SSE events until the response to `id`; notifications on the way are dropped (none were asked for). */
async function responseFromStream(response: GuardedStreamResponse, id: number): Promise<Message | undefined> {
  for await (const data of serverSentData(response.body)) {
    const message = parseMessage(data);
    if (message === undefined) continue;
    if (isResponseTo(message, id)) return message;
    if (typeof message.method === 'string' && 'id' in message) {
      throw upstreamAnswerError(`sent a ${message.method} request, which 2026-07-28 servers do not send`);
    }
  }
  return undefined;
}
