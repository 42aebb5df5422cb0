import type { FastifyReply, FastifyRequest } from 'fastify';
import { A2AError } from '../wire/errors.ts';
import { paramsFromLegacy } from '../wire/legacy.ts';
import type { StreamResponse } from '../wire/schemas/core.ts';
import { negotiateVersion } from '../wire/version.ts';
import type { A2AHandler } from './a2a-handler.ts';
import { A2A_METHODS, formatEvent, formatResult, validateParams } from './dispatch.ts';
import { type ContextResolver, RawJson } from './json-rpc.ts';
import { toA2AError } from './normalize-error.ts';
import { streamSse } from './sse.ts';

interface Route {
  method: string;
  params: Record<string, unknown>;
  status?: number;
}

const JSON_TYPES = /^application\/(a2a\+)?json\b/i;

/**
 * Maps an HTTP+JSON path (below the agent's URL) to the A2A method and its
 * request; `undefined` when no such route exists.
 * @see https://a2a-protocol.org/v1.0.0/specification/#11-httpjsonrest-protocol-binding
 */
export function routeHttpJson(
  httpMethod: string,
  path: string,
  query: Record<string, unknown>,
  body: unknown,
): Route | undefined {
  const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [first, second, third, fourth] = segments;
  const object = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (segments.length === 1 && httpMethod === 'POST' && first === 'message:send')
    return { method: 'SendMessage', params: object };
  if (segments.length === 1 && httpMethod === 'POST' && first === 'message:stream') {
    return { method: 'SendStreamingMessage', params: object };
  }
  if (segments.length === 1 && httpMethod === 'GET' && first === 'extendedAgentCard') {
    return { method: 'GetExtendedAgentCard', params: {} };
  }
  if (first !== 'tasks') return undefined;
  if (segments.length === 1 && httpMethod === 'GET') return { method: 'ListTasks', params: query };
  if (second === undefined) return undefined;
  if (segments.length === 2) {
    const [id, verb] = splitVerb(second);
    if (verb === undefined && httpMethod === 'GET') return { method: 'GetTask', params: { ...query, id } };
    if (verb === 'cancel' && httpMethod === 'POST') return { method: 'CancelTask', params: { ...object, id } };
    if (verb === 'subscribe' && (httpMethod === 'GET' || httpMethod === 'POST')) {
      return { method: 'SubscribeToTask', params: { id } };
    }
    return undefined;
  }
  if (third !== 'pushNotificationConfigs') return undefined;
  if (segments.length === 3 && httpMethod === 'POST') {
    return { method: 'CreateTaskPushNotificationConfig', params: { ...object, taskId: second }, status: 201 };
  }
  if (segments.length === 3 && httpMethod === 'GET') {
    return { method: 'ListTaskPushNotificationConfigs', params: { ...query, taskId: second } };
  }
  if (segments.length === 4 && httpMethod === 'GET') {
    return { method: 'GetTaskPushNotificationConfig', params: { taskId: second, id: fourth } };
  }
  if (segments.length === 4 && httpMethod === 'DELETE') {
    return { method: 'DeleteTaskPushNotificationConfig', params: { taskId: second, id: fourth }, status: 204 };
  }
  return undefined;
}

function splitVerb(segment: string): [string, string | undefined] {
  const at = segment.lastIndexOf(':');
  return at <= 0 ? [segment, undefined] : [segment.slice(0, at), segment.slice(at + 1)];
}

/** Serves one HTTP+JSON request; `path` is below the agent's URL. */
export async function handleHttpJson(
  request: FastifyRequest,
  reply: FastifyReply,
  path: string,
  handler: A2AHandler,
  resolveContext: ContextResolver,
): Promise<void> {
  try {
    // 0.3 clients address `/v1/...`.
    const legacy = path.startsWith('/v1/');
    const body = parseBody(request.body);
    const route = routeHttpJson(
      request.method,
      legacy ? path.slice(3) : path,
      request.query as Record<string, unknown>,
      body,
    );
    if (!route) throw new A2AError('MethodNotFoundError', `no A2A operation at ${request.method} ${path.slice(0, 80)}`);
    const spec = A2A_METHODS[route.method];
    if (!spec) throw new A2AError('MethodNotFoundError', 'unknown operation');
    const version = negotiateVersion(request.headers['a2a-version'], legacy);
    const raw = version === '0.3' ? paramsFromLegacy(route.method, route.params) : route.params;
    const params = validateParams(spec, raw);
    const context = await resolveContext(request, version, route.method, params);
    const result = await spec.call(handler, params, context);
    if (spec.streaming) {
      await streamSse(
        request,
        reply,
        result as AsyncIterable<StreamResponse>,
        (event) => formatEvent(event as StreamResponse, context),
        (error) => wireError(request, error).toHttpBody(),
      );
      return;
    }
    void reply.header('content-type', 'application/a2a+json');
    if (route.status === 204) {
      void reply.status(204).send();
      return;
    }
    void reply.status(route.status ?? 200).send(JSON.stringify(formatResult(spec, result, context)));
  } catch (error) {
    if (reply.sent) return;
    sendHttpJsonError(request, reply, error);
  }
}

/** Renders an error in the HTTP+JSON binding's form. */
export function sendHttpJsonError(request: FastifyRequest, reply: FastifyReply, error: unknown): void {
  const a2a = wireError(request, error);
  if (a2a.challenge) void reply.header('www-authenticate', a2a.challenge);
  void reply.status(a2a.status).header('content-type', 'application/json').send(JSON.stringify(a2a.toHttpBody()));
}

function wireError(request: FastifyRequest, error: unknown): A2AError {
  const a2a = toA2AError(error);
  if (a2a.a2aName === 'InternalError') request.log.error({ err: error }, 'A2A request failed');
  return a2a;
}

function parseBody(body: unknown): unknown {
  if (!(body instanceof RawJson)) return body;
  if (body.text.trim() === '') return {};
  if (!JSON_TYPES.test(body.contentType)) {
    throw new A2AError('ContentTypeNotSupportedError', 'request body must be application/json or application/a2a+json');
  }
  try {
    return JSON.parse(body.text);
  } catch {
    throw new A2AError('ParseError', 'request body is not valid JSON');
  }
}
