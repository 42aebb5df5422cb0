import type { IncomingHttpHeaders } from 'node:http';
import { classifyInboundRequest, isJsonContentType } from '@modelcontextprotocol/server';

/** A `tools/call` the gateway can serve without the SDK's per-request server. */
export interface PlainToolCall {
  readonly id: string | number;
  readonly name: string;
  readonly arguments: Record<string, unknown> | undefined;
  /** The request's declared `clientCapabilities` (what it can be asked for). */
  readonly clientCapabilities: Readonly<Record<string, unknown>>;
}

// The modern revisions the SDK's handler serves (it rejects other modern claims itself).
const SERVED_VERSIONS: readonly string[] = ['2026-07-28'];
const ENVELOPE_KEYS = new Set([
  'io.modelcontextprotocol/protocolVersion',
  'io.modelcontextprotocol/clientInfo',
  'io.modelcontextprotocol/clientCapabilities',
]);
const PARAM_KEYS = new Set(['name', 'arguments', '_meta']);
const MESSAGE_KEYS = new Set(['jsonrpc', 'id', 'method', 'params']);

/**
 * The request as a plain stateless `tools/call` (2026-07-28), or undefined
 * when it is anything else. Plain means: one JSON-RPC request whose body and
 * standard headers the SDK classifies as a valid modern request; the
 * `MCP-Protocol-Version`, `Mcp-Method` and `Mcp-Name` headers present and
 * equal to the body; params of only `name`, `arguments` and the envelope's
 * three keys (no progress token, log level, task or input responses). Such a
 * call needs nothing from the SDK's server but its result and its error, so
 * the gateway answers it directly; everything else, valid or not, goes to the
 * SDK, which answers it or rejects it as the spec says.
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports#standard-request-headers
 */
export function plainToolCall(headers: IncomingHttpHeaders, body: unknown): PlainToolCall | undefined {
  if (!isRecord(body) || body.method !== 'tools/call' || !onlyKeys(body, MESSAGE_KEYS)) return undefined;
  const { id, params } = body;
  if (!(typeof id === 'string' || Number.isSafeInteger(id))) return undefined;
  if (!isRecord(params) || !onlyKeys(params, PARAM_KEYS) || typeof params.name !== 'string') return undefined;
  const { name, arguments: args, _meta: meta } = params;
  if (args !== undefined && !isRecord(args)) return undefined;
  if (!isRecord(meta) || !onlyKeys(meta, ENVELOPE_KEYS) || Object.keys(meta).length !== ENVELOPE_KEYS.size)
    return undefined;
  const version = headers['mcp-protocol-version'];
  if (
    !isJsonContentType(single(headers['content-type']) ?? null) ||
    typeof version !== 'string' ||
    !SERVED_VERSIONS.includes(version) ||
    headers['mcp-method'] !== 'tools/call' ||
    headers['mcp-name'] !== name
  ) {
    return undefined;
  }
  if (!envelopeAccepted(version, meta)) return undefined;
  const clientCapabilities = meta['io.modelcontextprotocol/clientCapabilities'] as Record<string, unknown>;
  return { id: id as string | number, name, arguments: args, clientCapabilities };
}

const accepted = new Map<string, boolean>();
const MAX_REMEMBERED = 256;

/**
 * Whether the SDK classifies a `tools/call` with this envelope as a valid
 * modern request (its envelope checks, run on the envelope alone). A client
 * sends the same envelope on every call, so the answer is remembered, for a
 * bounded number of distinct envelopes.
 */
function envelopeAccepted(version: string, meta: Record<string, unknown>): boolean {
  const key = `${version} ${JSON.stringify(meta)}`;
  let ok = accepted.get(key);
  if (ok === undefined) {
    const route = classifyInboundRequest({
      httpMethod: 'POST',
      protocolVersionHeader: version,
      mcpMethodHeader: 'tools/call',
      body: { jsonrpc: '2.0', id: 0, method: 'tools/call', params: { _meta: meta } },
    });
    ok = route.kind === 'modern' && route.messageKind === 'request' && route.classification.revision === version;
    if (accepted.size >= MAX_REMEMBERED) accepted.clear();
    accepted.set(key, ok);
  }
  return ok;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function onlyKeys(value: Record<string, unknown>, allowed: ReadonlySet<string>): boolean {
  for (const key in value) if (!allowed.has(key)) return false;
  return true;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? undefined : value;
}
