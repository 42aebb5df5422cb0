import type { FastifyReply, FastifyRequest } from 'fastify';
import { A2AError } from '../wire/errors.ts';
import { LEGACY_METHODS, paramsFromLegacy } from '../wire/legacy.ts';
import type { StreamResponse } from '../wire/schemas/core.ts';
import { negotiateVersion } from '../wire/version.ts';
import type { A2AHandler, CallContext } from './a2a-handler.ts';
import { A2A_METHODS, formatEvent, formatResult, validateParams } from './dispatch.ts';
import { toA2AError } from './normalize-error.ts';
import { streamSse } from './sse.ts';

type JsonRpcId = string | number | null;

/** Resolves who is calling; throws authentication errors. */
export type ContextResolver = (
  request: FastifyRequest,
  version: CallContext['version'],
  method: string,
  params: unknown,
) => Promise<CallContext>;

/**
 * Serves the JSON-RPC 2.0 binding: one POST at the agent's URL. 1.0 method
 * names (`SendMessage`) and 0.3 ones (`message/send`) are both accepted.
 * @see https://a2a-protocol.org/v1.0.0/specification/#9-json-rpc-protocol-binding
 */
export async function handleJsonRpc(
  request: FastifyRequest,
  reply: FastifyReply,
  handler: A2AHandler,
  resolveContext: ContextResolver,
): Promise<void> {
  let id: JsonRpcId = null;
  let legacy = false;
  try {
    const envelope = parseEnvelope(request.body);
    id = envelope.id;
    legacy = envelope.method in LEGACY_METHODS;
    const method = LEGACY_METHODS[envelope.method] ?? envelope.method;
    const spec = Object.hasOwn(A2A_METHODS, method) ? A2A_METHODS[method] : undefined;
    if (!spec) throw new A2AError('MethodNotFoundError', `method ${envelope.method.slice(0, 80)} not found`);
    const version = negotiateVersion(request.headers['a2a-version'], legacy);
    const raw = version === '0.3' ? paramsFromLegacy(method, envelope.params) : envelope.params;
    const params = validateParams(spec, raw);
    const context = await resolveContext(request, version, method, params);
    const result = await spec.call(handler, params, context);
    if (spec.streaming) {
      await streamSse(
        request,
        reply,
        result as AsyncIterable<StreamResponse>,
        (event) => ({ jsonrpc: '2.0', id, result: formatEvent(event as StreamResponse, context) }),
        (error) => ({ jsonrpc: '2.0', id, error: wireError(request, error).toJsonRpcError() }),
      );
      return;
    }
    void reply.send({ jsonrpc: '2.0', id, result: formatResult(spec, result, context) });
  } catch (error) {
    if (reply.sent) return;
    sendJsonRpcError(request, reply, id, error);
  }
}

/** Renders an error as a JSON-RPC response (HTTP 200, or 401/403 with a challenge). */
export function sendJsonRpcError(request: FastifyRequest, reply: FastifyReply, id: JsonRpcId, error: unknown): void {
  const a2a = wireError(request, error);
  if (a2a.challenge) void reply.header('www-authenticate', a2a.challenge);
  const status = a2a.a2aName === 'UnauthenticatedError' || a2a.a2aName === 'PermissionDeniedError' ? a2a.status : 200;
  void reply.status(status).send({ jsonrpc: '2.0', id, error: a2a.toJsonRpcError() });
}

function wireError(request: FastifyRequest, error: unknown): A2AError {
  const a2a = toA2AError(error);
  if (a2a.a2aName === 'InternalError') request.log.error({ err: error }, 'A2A request failed');
  return a2a;
}

interface Envelope {
  id: JsonRpcId;
  method: string;
  params: unknown;
}

function parseEnvelope(body: unknown): Envelope {
  let value: unknown = body;
  if (body instanceof RawJson) {
    try {
      value = JSON.parse(body.text);
    } catch {
      throw new A2AError('ParseError', 'request body is not valid JSON');
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new A2AError('InvalidRequestError', 'expected a JSON-RPC 2.0 request object');
  }
  const record = value as Record<string, unknown>;
  const id = record.id;
  if (id !== undefined && id !== null && typeof id !== 'string' && typeof id !== 'number') {
    throw new A2AError('InvalidRequestError', 'id must be a string, a number or null');
  }
  if (record.jsonrpc !== '2.0' || typeof record.method !== 'string') {
    throw new A2AError('InvalidRequestError', 'expected jsonrpc "2.0" and a method name');
  }
  if (record.params !== undefined && (typeof record.params !== 'object' || record.params === null)) {
    throw new A2AError('InvalidParamsError', 'params must be an object');
  }
  return { id: id ?? null, method: record.method, params: record.params };
}

/** A request body kept as text, so that a parse error can be answered in the binding's own form. */
export class RawJson {
  readonly text: string;
  readonly contentType: string;
  constructor(text: string, contentType: string) {
    this.text = text;
    this.contentType = contentType;
  }
}
