import { canonicalJson, isParleyError, sha256Hex } from '@parley/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { JWK } from 'jose';
import type { AgentCard } from '../wire/schemas/agent-card.ts';
import type { A2AHandler } from './a2a-handler.ts';
import { handleHttpJson, sendHttpJsonError } from './http-json.ts';
import { type ContextResolver, handleJsonRpc, RawJson, sendJsonRpcError } from './json-rpc.ts';

/** The well-known path of an agent's card, below its base URL. */
export const AGENT_CARD_PATH = '/.well-known/agent-card.json';
/** Where an agent's card-signing public keys are served, below its base URL (the signature's `jku`). */
export const AGENT_JWKS_PATH = '/.well-known/jwks.json';

/** One agent as an endpoint serves it. */
export interface A2AEndpoint {
  readonly handler: A2AHandler;
  /** Authenticates the request and says who owns what it touches. */
  readonly resolveContext: ContextResolver;
  /** The public (signed) card. */
  readonly card: () => Promise<AgentCard>;
  /** The keys that verify the card's signature. */
  readonly jwks?: () => Promise<JWK[]>;
}

export interface A2AEndpointOptions {
  /** The agent a request addresses (by route params); a ParleyError (NotFoundError, ...) is answered as is. */
  readonly resolve: (request: FastifyRequest) => Promise<A2AEndpoint>;
  /** Largest request body in bytes (default 1 MiB). */
  readonly bodyLimit?: number;
  /** `Cache-Control` max-age of the card, seconds (default 300). */
  readonly cardMaxAge?: number;
}

/**
 * Mounts A2A endpoints on a Fastify instance (register it with a `prefix`,
 * which may hold `:agent`): the JSON-RPC binding at the base URL, the
 * HTTP+JSON binding below it, the Agent Card at `/.well-known/agent-card.json`.
 * @see https://a2a-protocol.org/v1.0.0/specification/#5-protocol-binding-requirements-and-interoperability
 */
export async function a2aEndpoint(app: FastifyInstance, options: A2AEndpointOptions): Promise<void> {
  const bodyLimit = options.bodyLimit ?? 1_048_576;
  // Bodies are parsed by the bindings, so a parse error is answered in the
  // binding's own error form (JSON-RPC -32700, HTTP+JSON 400).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit }, (request, body, done) => {
    done(null, new RawJson(String(body), String(request.headers['content-type'] ?? '')));
  });
  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const status = error.statusCode ?? 500;
    const rpc = request.method === 'POST' && isBaseUrl(request);
    if (status === 413 || status === 400) {
      const message = status === 413 ? `request body exceeds ${bodyLimit} bytes` : 'malformed request';
      const body = rpc
        ? { jsonrpc: '2.0', id: null, error: { code: -32600, message } }
        : { error: { code: status, status: 'INVALID_ARGUMENT', message } };
      void reply.status(status).send(body);
      return;
    }
    if (rpc) sendJsonRpcError(request, reply, null, error);
    else sendHttpJsonError(request, reply, error);
  });
  const withEndpoint =
    (serve: (endpoint: A2AEndpoint, request: FastifyRequest, reply: FastifyReply) => Promise<void>) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      let endpoint: A2AEndpoint;
      try {
        endpoint = await options.resolve(request);
      } catch (error) {
        if (!isParleyError(error)) throw error;
        void reply.status(error.status).send({ error: { code: error.code, message: error.publicMessage } });
        return;
      }
      await serve(endpoint, request, reply);
    };
  app.get(
    AGENT_CARD_PATH,
    withEndpoint((endpoint, request, reply) => serveCard(request, reply, endpoint, options.cardMaxAge ?? 300)),
  );
  app.get(
    AGENT_JWKS_PATH,
    withEndpoint(async (endpoint, _request, reply) => {
      void reply.header('cache-control', 'public, max-age=300').send({ keys: (await endpoint.jwks?.()) ?? [] });
    }),
  );
  app.post(
    '/',
    withEndpoint((endpoint, request, reply) =>
      handleJsonRpc(request, reply, endpoint.handler, endpoint.resolveContext),
    ),
  );
  app.route({
    method: ['GET', 'POST', 'DELETE'],
    url: '/*',
    handler: withEndpoint((endpoint, request, reply) =>
      handleHttpJson(
        request,
        reply,
        `/${(request.params as { '*': string })['*']}`,
        endpoint.handler,
        endpoint.resolveContext,
      ),
    ),
  });
}

function isBaseUrl(request: FastifyRequest): boolean {
  return !(request.routeOptions.url ?? '').endsWith('/*');
}

async function serveCard(
  request: FastifyRequest,
  reply: FastifyReply,
  endpoint: A2AEndpoint,
  maxAge: number,
): Promise<void> {
  const body = canonicalJson(await endpoint.card());
  const etag = `"${sha256Hex(body).slice(0, 32)}"`;
  void reply.header('etag', etag).header('cache-control', `public, max-age=${maxAge}`);
  if (request.headers['if-none-match'] === etag) {
    void reply.status(304).send();
    return;
  }
  void reply.header('content-type', 'application/json').send(body);
}
