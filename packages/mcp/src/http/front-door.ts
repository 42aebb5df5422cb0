import { randomUUID } from 'node:crypto';
import {
  createMcpHandler,
  hostHeaderValidationResponse,
  isInitializeRequest,
  isJsonContentType,
  isLegacyRequest,
  type McpHttpHandler,
  validateHostHeader,
  validateOriginHeader,
  WebStandardStreamableHTTPServerTransport,
} from '@modelcontextprotocol/server';
import {
  AuthenticationError,
  type Caller,
  type EventBus,
  InsufficientScopeError,
  type Logger,
  type RequestPipeline,
} from '@parley/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Federation } from '../gateway/federation.ts';
import { createGatewayServer, type GatewayDeps, type GatewaySession } from '../gateway/gateway-server.ts';
import { InputFlows } from '../gateway/input-flows.ts';
import { answerPlainCall, plainTarget } from '../gateway/plain-call-handler.ts';
import { newReplicaId, replicaOf } from '../gateway/replica-id.ts';
import { StatelessGatewayServer } from '../gateway/stateless-gateway-server.ts';
import type { CatalogKind } from '../upstream/upstream.ts';
import { MemoryEventStore } from './event-store.ts';
import { plainToolCall } from './plain-tool-call.ts';
import type { RateLimiter } from './rate-limiter.ts';
import { sendJson, sendWebResponse, whenAbandoned } from './send-response.ts';
import { type HandleRelayed, SessionRelay } from './session-relay.ts';
import { type LegacySession, SessionTable } from './sessions.ts';
import { scopesFor } from './tool-scopes.ts';

export interface FrontDoorOptions {
  readonly app: FastifyInstance;
  readonly baseUrl: string;
  readonly pipeline: RequestPipeline;
  readonly federation: Federation;
  readonly deps: Omit<GatewayDeps, 'onSubscribe'>;
  readonly rateLimiter: RateLimiter;
  readonly logger: Logger;
  readonly now: () => number;
  /** Host names accepted in `Host` (DNS-rebinding protection). */
  readonly allowedHostnames: readonly string[];
  /** Host names accepted in `Origin` when a browser sends one (DNS-rebinding protection). */
  readonly allowedOrigins: readonly string[];
  readonly sessionIdleMs?: number;
  /** Answer plain stateless `tools/call` requests without the SDK (`mcp.directToolCalls`, default true). */
  readonly directToolCalls?: boolean;
  /**
   * Relays requests for what another replica holds to it: a retry for a held
   * input request (`InputFlows`), a request for a 2025-11-25 session (`SessionRelay`).
   */
  readonly bus?: EventBus | undefined;
}

/** What the rest of the gateway needs from the front door. */
export interface FrontDoor {
  /** Tells connected clients a list changed (`notifications/<kind>/list_changed`). */
  listChanged(kind: CatalogKind): void;
  /** Sends `notifications/resources/updated` to the callers subscribed to `uri`. */
  resourceUpdated(uri: string): void;
  readonly sessions: SessionTable;
  close(): Promise<void>;
}

const principalKey = (caller: Caller) => `${caller.principal.type}:${caller.principal.id}`;

/**
 * `/mcp` and `/mcp/<virtual-server>`: authenticate (401/403 with the
 * challenge), rate-limit (429), then hand the request to the SDK: 2026-07-28
 * traffic to its stateless per-request handler (`server/discover`), 2025-era
 * traffic to a sessionful Streamable HTTP transport with resumable streams.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/transports#streamable-http
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization
 */
export function registerFrontDoor(options: FrontDoorOptions): FrontDoor {
  const { app, pipeline, federation, logger } = options;
  const sessions = new SessionTable({ idleMs: options.sessionIdleMs ?? 30 * 60_000, now: options.now });
  // A caller answers what an upstream asked within the time it would have to decide an approval.
  const replica = newReplicaId();
  const flows = new InputFlows({ idleMs: options.deps.approvalWait, bus: options.bus, logger, replica });
  const sessionRelay = options.bus ? new SessionRelay({ bus: options.bus, replica, logger }) : undefined;
  /** A relayed request for one of this replica's sessions: answered as if it had come here. */
  const handleRelayed: HandleRelayed = async (relayed, signal) => {
    const session = sessions.get(relayed.sessionId, relayed.owner);
    if (!session || session.virtualServer !== relayed.virtualServer) return undefined;
    const body = relayed.body === undefined ? undefined : Buffer.from(relayed.body);
    const parsedBody = parseJsonBody(body);
    const request = new Request(relayed.url, {
      method: relayed.method,
      headers: relayed.headers,
      ...(body === undefined ? {} : { body: new Uint8Array(body) }),
      signal,
    });
    return session.transport.handleRequest(request, parsedBody === undefined ? undefined : { parsedBody });
  };
  const deps: GatewayDeps = { ...options.deps, flows };

  const modern: McpHttpHandler = createMcpHandler(
    (ctx) => {
      const session = ctx.authInfo?.extra?.session as GatewaySession;
      return new StatelessGatewayServer(deps, session);
    },
    { legacy: 'reject', onerror: (error) => logger.debug({ err: error }, 'MCP request rejected') },
  );

  // Streams that carry only notifications never finish by themselves; they end when the server begins to close,
  // so shutdown does not wait on them (their clients reconnect, elsewhere or later).
  const listens = new Set<AbortController>();
  app.addHook('preClose', async () => {
    for (const session of sessions.all()) session.transport.closeStandaloneSSEStream();
    for (const listen of listens) listen.abort();
  });

  const handle = async (request: FastifyRequest, reply: FastifyReply) => {
    const virtualServer = (request.params as { vs?: string }).vs;
    if (virtualServer !== undefined && !federation.hasVirtualServer(virtualServer)) {
      return reply.status(404).send(rpcError(-32600, `no MCP server at ${request.url.split('?')[0]}`));
    }
    const resourceUrl = `${options.baseUrl}/mcp${virtualServer === undefined ? '' : `/${virtualServer}`}`;
    const abort = new AbortController();
    // From the start: a caller that leaves while its call runs (a JSON answer has no stream yet) cancels it upstream.
    whenAbandoned(reply.raw, () => abort.abort());
    const body = request.method === 'POST' && Buffer.isBuffer(request.body) ? request.body : undefined;
    const toWebRequest = () =>
      new Request(new URL(request.url, `http://${request.headers.host ?? '127.0.0.1'}`), {
        method: request.method,
        headers: toHeaders(request.headers),
        ...(body === undefined ? {} : { body: new Uint8Array(body) }),
        signal: abort.signal,
      });
    if (!validateHostHeader(request.headers.host, [...options.allowedHostnames]).ok) {
      const webRequest = toWebRequest();
      const rejected = hostHeaderValidationResponse(webRequest, [...options.allowedHostnames]);
      if (rejected) return sendWebResponse(reply, rejected);
    }
    const origin = request.headers.origin;
    if (origin !== undefined) {
      const checked = validateOriginHeader(origin, [...options.allowedOrigins]);
      if (!checked.ok) return reply.status(403).send(rpcError(-32000, checked.message));
    }

    // Parsed once here and handed to the SDK, which would otherwise clone, read and parse the body twice.
    const parsedBody = parseJsonBody(body);
    let caller: Caller;
    try {
      caller = await pipeline.authenticate(
        { method: request.method, url: resourceUrl, headers: request.headers },
        { url: resourceUrl, requiredScopes: scopesFor(federation, parsedBody, virtualServer), scope: 'mcp' },
      );
    } catch (error) {
      if (error instanceof AuthenticationError || error instanceof InsufficientScopeError) {
        return reply
          .status(error.status)
          .header('www-authenticate', error.challenge)
          .send(rpcError(-32001, error.publicMessage));
      }
      throw error;
    }
    const retryAfter = await options.rateLimiter.take(principalKey(caller));
    if (retryAfter !== undefined) {
      return reply.status(429).header('retry-after', String(retryAfter)).send(rpcError(-32029, 'rate limit exceeded'));
    }

    const sourceIp = request.ip;
    // Notification-only streams: a 2026-07-28 listen, and a GET stream (also one relayed to another replica's session).
    if (
      request.method === 'GET' ||
      (parsedBody as { method?: unknown } | undefined)?.method === 'subscriptions/listen'
    ) {
      listens.add(abort);
      reply.raw.once('close', () => listens.delete(abort));
    }
    const plain = options.directToolCalls === false ? undefined : plainToolCall(request.headers, parsedBody);
    if (plain) {
      const target = plainTarget(federation, plain.name, virtualServer);
      if (target) {
        const session = modernSession(caller, virtualServer, resourceUrl, sourceIp);
        const answer = await answerPlainCall(deps, session, target, plain, abort.signal);
        return sendJson(reply, answer.body, answer.status);
      }
    }
    const webRequest = toWebRequest();
    let response: Response;
    if (await isLegacyRequest(webRequest, parsedBody)) {
      response = await handleLegacy(webRequest, caller, virtualServer, resourceUrl, sourceIp, parsedBody);
    } else {
      const session = modernSession(caller, virtualServer, resourceUrl, sourceIp);
      response = await modern.fetch(webRequest, {
        authInfo: { token: '', clientId: caller.clientId ?? '', scopes: [...caller.scopes], extra: { session } },
        ...(parsedBody === undefined ? {} : { parsedBody }),
      });
    }
    return sendWebResponse(reply, response);
  };

  const handleLegacy = async (
    webRequest: Request,
    caller: Caller,
    virtualServer: string | undefined,
    audience: string,
    sourceIp: string,
    parsedBody: unknown,
  ): Promise<Response> => {
    const sessionId = webRequest.headers.get('mcp-session-id');
    if (sessionId) {
      const session = sessions.get(sessionId, principalKey(caller));
      if (session && session.virtualServer === virtualServer) {
        return session.transport.handleRequest(webRequest, parsedBody === undefined ? undefined : { parsedBody });
      }
      // Another replica's session (a load balancer without affinity): relayed to the replica holding it.
      const holder = session ? undefined : replicaOf(sessionId);
      if (sessionRelay && holder !== undefined && holder !== replica) {
        const relayed = await sessionRelay.forward(
          holder,
          {
            sessionId,
            owner: principalKey(caller),
            virtualServer,
            method: webRequest.method,
            url: webRequest.url,
            headers: Object.fromEntries(webRequest.headers),
            body: parsedBody === undefined ? undefined : JSON.stringify(parsedBody),
          },
          webRequest.signal,
        );
        if (relayed) return relayed;
      }
      return Response.json(rpcError(-32001, 'Session not found'), { status: 404 });
    }
    // Without a session to hand it to, a body that is not JSON gets the answer the transport would give.
    if (webRequest.method === 'POST' && !isJsonContentType(webRequest.headers.get('content-type') ?? '')) {
      return Response.json(rpcError(-32000, 'Unsupported Media Type: Content-Type must be application/json'), {
        status: 415,
      });
    }
    if (webRequest.method === 'POST' && parsedBody === undefined) {
      return Response.json(rpcError(-32700, 'Parse error: the request body is not valid JSON'), { status: 400 });
    }
    if (webRequest.method !== 'POST' || !isInitialize(parsedBody)) {
      return Response.json(rpcError(-32000, 'Bad Request: Mcp-Session-Id header is required'), { status: 400 });
    }
    let opened: LegacySession | undefined;
    const gatewaySession: GatewaySession = {
      caller,
      virtualServer,
      audience,
      sourceIp,
      urlElicitation: () => Boolean(server.getClientCapabilities()?.elicitation?.url),
    };
    const server = createGatewayServer(
      {
        ...deps,
        onSubscribe: (uri, subscribed) => {
          if (subscribed) opened?.subscriptions.add(uri);
          else opened?.subscriptions.delete(uri);
        },
      },
      gatewaySession,
    );
    // Other replicas relay requests for the session here: listen before its id is given out.
    await sessionRelay?.serve(handleRelayed);
    const transport = new WebStandardStreamableHTTPServerTransport({
      // The replica's id first: another replica that receives a request for the session knows where it is.
      sessionIdGenerator: () => `${replica}.${randomUUID()}`,
      // The session's own: every session's GET stream has the same stream id, and a replay must not cross sessions.
      eventStore: new MemoryEventStore(),
      retryInterval: 1000,
      onsessioninitialized: (id) => {
        opened = {
          id,
          transport,
          server,
          owner: principalKey(caller),
          virtualServer,
          subscriptions: new Set(),
          lastSeen: options.now(),
        };
        sessions.add(opened);
      },
      onsessionclosed: (id) => sessions.delete(id),
    });
    transport.onclose = () => {
      if (opened) sessions.delete(opened.id);
    };
    await server.connect(transport);
    return transport.handleRequest(webRequest, { parsedBody });
  };

  void app.register(async (scope) => {
    // The SDK reads and validates the body itself (JSON-RPC parse errors, 415).
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, payload, done) => done(null, payload));
    for (const url of ['/mcp', '/mcp/:vs']) {
      scope.route({ method: ['GET', 'POST', 'DELETE'], url, handler: handle });
    }
  });

  return {
    sessions,
    listChanged(kind) {
      for (const session of sessions.all()) {
        const send =
          kind === 'tools'
            ? session.server.sendToolListChanged()
            : kind === 'prompts'
              ? session.server.sendPromptListChanged()
              : session.server.sendResourceListChanged();
        void send.catch(() => {});
      }
      if (kind === 'tools') modern.notify.toolsChanged();
      else if (kind === 'prompts') modern.notify.promptsChanged();
      else modern.notify.resourcesChanged();
    },
    resourceUpdated(uri) {
      for (const session of sessions.all()) {
        if (session.subscriptions.has(uri)) void session.server.sendResourceUpdated({ uri }).catch(() => {});
      }
      modern.notify.resourceUpdated(uri);
    },
    async close() {
      await flows.close();
      await sessionRelay?.close();
      await sessions.close();
      await modern.close();
    },
  };
}

/** The POST body as JSON, or undefined when there is none or it does not parse (the SDK answers those). */
function parseJsonBody(body: Buffer | undefined): unknown {
  if (!body || body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** A stateless (2026-07-28) request's session: no URL elicitation, which needs a 2025-era stream. */
function modernSession(
  caller: Caller,
  virtualServer: string | undefined,
  audience: string,
  sourceIp: string,
): GatewaySession {
  return { caller, virtualServer, audience, sourceIp, urlElicitation: () => false, stateless: true };
}

function isInitialize(parsed: unknown): boolean {
  if (parsed === undefined) return false;
  return Array.isArray(parsed) ? parsed.some((m) => isInitializeRequest(m)) : isInitializeRequest(parsed);
}

function toHeaders(headers: FastifyRequest['headers']): Headers {
  const out = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) out.append(name, v);
    else out.set(name, value);
  }
  return out;
}

function rpcError(code: number, message: string) {
  return { jsonrpc: '2.0', id: null, error: { code, message } };
}
