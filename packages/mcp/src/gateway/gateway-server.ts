import {
  type CallToolResult,
  type ClientCapabilities,
  type GetPromptResult,
  ProtocolError,
  type ReadResourceResult,
  Server,
  type ServerContext,
} from '@modelcontextprotocol/server';
import type { Caller, GuardedAction, Logger, RequestPipeline } from '@parley/core';
import { McpErrorCode, McpGatewayError } from '../errors.ts';
import type { CallRelay } from '../upstream/call-relay.ts';
import type { UpstreamCredentials } from '../upstream/credentials.ts';
import { inputRetryOf } from '../upstream/input-required.ts';
import type { Upstream } from '../upstream/upstream.ts';
import type { Federation } from './federation.ts';
import { InputFlows } from './input-flows.ts';
import { type LocalToolContext, localToolDefinition } from './local-tools.ts';
import { type HopContext, runHop } from './run-hop.ts';

/** Who is on the other side of one front-door session (or one stateless request). */
export interface GatewaySession {
  readonly caller: Caller;
  /** `/mcp/<virtualServer>`, or undefined for `/mcp`. */
  readonly virtualServer: string | undefined;
  /** The resource URL the caller addressed (the token's audience). */
  readonly audience: string;
  readonly sourceIp?: string | undefined;
  /** Whether the caller's client can be sent URL-mode elicitations (2025-11-25 sessions only). */
  readonly urlElicitation: () => boolean;
  /** A stateless (2026-07-28) request: nothing can be sent to the caller but the answer. */
  readonly stateless?: boolean;
}

export interface GatewayDeps {
  readonly federation: Federation;
  readonly pipeline: RequestPipeline;
  readonly credentials: (upstream: Upstream) => UpstreamCredentials;
  readonly approvalWait: number;
  readonly logger: Logger;
  readonly now: () => number;
  /** Records subscriptions so `notifications/resources/updated` can be routed back. */
  readonly onSubscribe?: (uri: string, subscribed: boolean) => void;
  /** Holds upstream calls open while a stateless caller answers what they asked (see `InputFlows`). */
  readonly flows?: InputFlows;
}

/** Who the gateway says it is (`initialize`, and each 2026-07-28 result's `_meta`). */
export const GATEWAY_INFO = { name: 'parley', title: 'Parley MCP gateway', version: '0.1.0' } as const;

/** What the gateway offers every caller. */
export const GATEWAY_CAPABILITIES = {
  tools: { listChanged: true },
  resources: { listChanged: true, subscribe: true },
  prompts: { listChanged: true },
  completions: {},
  logging: {},
} as const;

export const GATEWAY_INSTRUCTIONS =
  'Parley federates the MCP servers of your organisation; tool names are <server>.<tool>.';

/**
 * The gateway as an MCP server, for one session: lists are the federated
 * catalog filtered by policy; every call runs the pipeline (decide, approve,
 * credential, forward, record). Built on the SDK's low-level `Server`, which
 * owns the protocol (both eras).
 * @see https://modelcontextprotocol.io/specification/2025-11-25/server
 */
export function createGatewayServer(deps: GatewayDeps, session: GatewaySession): Server {
  const server = new Server(GATEWAY_INFO, { capabilities: GATEWAY_CAPABILITIES, instructions: GATEWAY_INSTRUCTIONS });
  installGatewayHandlers(server, deps, session);
  return server;
}

/** Sets the gateway's request handlers on `server` (see `createGatewayServer`). */
export function installGatewayHandlers(server: Server, deps: GatewayDeps, session: GatewaySession): void {
  const { federation, pipeline } = deps;
  const vs = session.virtualServer;
  const action = (name: string, type: string, id: string, server: string, args?: Record<string, unknown>) =>
    guardedAction(session, name, type, id, server, args);

  server.setRequestHandler('tools/list', async () => {
    const tools = [
      ...federation
        .localTools(vs)
        .map((t) => ({ server: t.server, id: t.name, definition: localToolDefinition(t.tool, t.name) })),
      ...federation.tools(vs).map((t) => ({
        server: t.upstream.name,
        id: `${t.upstream.name}.${t.tool.name}`,
        definition: { ...t.tool, name: t.name },
      })),
    ];
    const allowed = await pipeline.permitted(
      session.caller,
      tools.map((t) => action('tools/call', 'Tool', t.id, t.server)),
    );
    return { tools: tools.filter((_, i) => allowed[i]).map((t) => t.definition) };
  });

  server.setRequestHandler('tools/call', async (request, ctx) => {
    const { name, arguments: args } = request.params;
    const local = federation.findLocalTool(name, vs);
    if (local) {
      const guarded = action('tools/call', 'Tool', local.name, local.server, args ?? {});
      // Built-in tools are Parley's own code: no pin to check, no upstream credential.
      return (await runHop(deps, session, guarded, sdkHop(ctx, session), (relay) => {
        const context: LocalToolContext = {
          signal: relay.signal,
          ...(relay.onProgress ? { sendProgress: relay.onProgress } : {}),
          ...(supportsFormElicitation(server.getClientCapabilities())
            ? { elicit: (params) => ctx.mcpReq.elicitInput(params) }
            : {}),
        };
        return local.tool.handler(session.caller, args ?? {}, context);
      })) as CallToolResult;
    }
    const found = federation.findTool(name, vs);
    if (!found) throw new ProtocolError(McpErrorCode.InvalidParams, `Unknown tool: ${name}`);
    const guarded = action(
      'tools/call',
      'Tool',
      `${found.upstream.name}.${found.tool.name}`,
      found.upstream.name,
      args ?? {},
    );
    return (await runHop(deps, session, guarded, sdkHop(ctx, session), async (relay) => {
      if (found.quarantined) {
        throw new McpGatewayError('ERR_MCP_TOOL_QUARANTINED', McpErrorCode.ToolQuarantined, 'tool definition changed', {
          publicMessage: `tool ${name} changed since it was approved and is quarantined until an administrator accepts it`,
        });
      }
      return withInputFlow(deps, session, server, ctx, `tools/call ${name}`, relay, (r) =>
        found.upstream.callTool(found.tool.name, args, r, inputRetryOf(ctx)),
      );
    })) as CallToolResult;
  });

  server.setRequestHandler('prompts/list', async () => {
    const prompts = federation.prompts(vs);
    const allowed = await pipeline.permitted(
      session.caller,
      prompts.map((p) => action('prompts/get', 'Prompt', `${p.upstream.name}.${p.prompt.name}`, p.upstream.name)),
    );
    return { prompts: prompts.filter((_, i) => allowed[i]).map((p) => ({ ...p.prompt, name: p.name })) };
  });

  server.setRequestHandler('prompts/get', async (request, ctx) => {
    const found = federation.findPrompt(request.params.name, vs);
    if (!found) throw new ProtocolError(McpErrorCode.InvalidParams, `Unknown prompt: ${request.params.name}`);
    const guarded = action(
      'prompts/get',
      'Prompt',
      `${found.upstream.name}.${found.prompt.name}`,
      found.upstream.name,
      request.params.arguments,
    );
    return runHop(deps, session, guarded, sdkHop(ctx, session), (relay) =>
      withInputFlow(deps, session, server, ctx, `prompts/get ${request.params.name}`, relay, (r) =>
        found.upstream.getPrompt(found.prompt.name, request.params.arguments, r, inputRetryOf(ctx)),
      ),
    ) as Promise<GetPromptResult>;
  });

  server.setRequestHandler('resources/list', async () => {
    const resources = federation.resources(vs);
    const allowed = await pipeline.permitted(
      session.caller,
      resources.map((r) => action('resources/read', 'Resource', r.resource.uri, r.upstream.name)),
    );
    return { resources: resources.filter((_, i) => allowed[i]).map((r) => r.resource) };
  });

  server.setRequestHandler('resources/templates/list', async () => ({
    resourceTemplates: federation.resourceTemplates(vs).map((t) => t.template),
  }));

  server.setRequestHandler('resources/read', async (request, ctx) => {
    const { uri } = request.params;
    const found = federation.findResource(uri, vs);
    if (!found) throw new ProtocolError(McpErrorCode.ResourceNotFound, 'Resource not found', { uri });
    const guarded = action('resources/read', 'Resource', uri, found.upstream.name);
    return runHop(deps, session, guarded, sdkHop(ctx, session), (relay) =>
      withInputFlow(deps, session, server, ctx, `resources/read ${uri}`, relay, (r) =>
        found.upstream.readResource(uri, r, inputRetryOf(ctx)),
      ),
    ) as Promise<ReadResourceResult>;
  });

  server.setRequestHandler('resources/subscribe', async (request, ctx) => {
    const { uri } = request.params;
    const found = federation.findResource(uri, vs);
    if (!found) throw new ProtocolError(McpErrorCode.ResourceNotFound, 'Resource not found', { uri });
    const guarded = action('resources/subscribe', 'Resource', uri, found.upstream.name);
    await runHop(deps, session, guarded, sdkHop(ctx, session), async (relay) => {
      if (found.upstream.capabilities?.resources?.subscribe) await found.upstream.subscribeResource(uri, relay);
      deps.onSubscribe?.(uri, true);
      return {};
    });
    return {};
  });

  server.setRequestHandler('resources/unsubscribe', async (request) => {
    deps.onSubscribe?.(request.params.uri, false);
    return {};
  });

  server.setRequestHandler('completion/complete', async (request, ctx) => {
    const { ref } = request.params;
    let upstream: Upstream | undefined;
    let params: Record<string, unknown> = request.params as Record<string, unknown>;
    if (ref.type === 'ref/prompt') {
      const found = federation.findPrompt(ref.name, vs);
      upstream = found?.upstream;
      if (found) params = { ...params, ref: { ...ref, name: found.prompt.name } };
    } else {
      upstream = federation.findResource(ref.uri, vs)?.upstream ?? templateOwner(federation, ref.uri, vs);
    }
    if (!upstream?.capabilities?.completions) return { completion: { values: [], hasMore: false } };
    const target = upstream;
    const guarded = action('completion/complete', 'McpServer', target.name, target.name);
    return runHop(deps, session, guarded, sdkHop(ctx, session), (relay) => target.complete(params, relay));
  });
}

/** What the pipeline decides on for one MCP request: `name` on `type::id`, inside `McpServer::server`. */
export function guardedAction(
  session: GatewaySession,
  name: string,
  type: string,
  id: string,
  server: string,
  args?: Record<string, unknown>,
): GuardedAction {
  return {
    protocol: 'mcp',
    action: name,
    resource: { type, id },
    // An McpServer is its own top: a parent here would be a cycle in Cedar's entity graph.
    parents: type === 'McpServer' ? [] : [{ type: 'McpServer', id: server }],
    ...(args === undefined ? {} : { arguments: args }),
    audience: session.audience,
    ...(session.sourceIp === undefined ? {} : { sourceIp: session.sourceIp }),
  };
}

/**
 * Runs an upstream request for the session. For a stateless caller, what a
 * 2025-era upstream asks on the request's stream is asked of the caller with
 * `input_required` while the upstream request is held open (see `InputFlows`);
 * a retry whose `requestState` names a held request continues it.
 */
function withInputFlow(
  deps: GatewayDeps,
  session: GatewaySession,
  server: Server,
  ctx: ServerContext,
  target: string,
  relay: CallRelay,
  call: (relay: CallRelay) => Promise<unknown>,
): Promise<unknown> {
  const { flows } = deps;
  if (!session.stateless || !flows) return call(relay);
  const state = ctx.mcpReq.requestState<unknown>();
  if (InputFlows.names(state)) return flows.continue(session.caller, target, state, ctx.mcpReq.inputResponses);
  return flows.start(session.caller, server.getClientCapabilities() ?? {}, target, relay, call);
}

/** Form mode is what `elicitation: {}` meant before URL mode existed. @see https://modelcontextprotocol.io/specification/2025-11-25/client/elicitation#capabilities */
function supportsFormElicitation(capabilities: ClientCapabilities | undefined): boolean {
  const elicitation = capabilities?.elicitation;
  if (!elicitation) return false;
  return elicitation.form !== undefined || elicitation.url === undefined;
}

function templateOwner(federation: Federation, uriTemplate: string, vs: string | undefined): Upstream | undefined {
  return federation.resourceTemplates(vs).find((t) => t.template.uriTemplate === uriTemplate)?.upstream;
}

/** The hop context of a request the SDK's server dispatched: its signal, and relays back through it. */
function sdkHop(ctx: ServerContext, session: GatewaySession): HopContext {
  const progressToken = ctx.mcpReq._meta?.progressToken;
  return {
    signal: ctx.mcpReq.signal,
    ...(session.urlElicitation() ? { elicitUrl: (params) => ctx.mcpReq.elicitInput({ mode: 'url', ...params }) } : {}),
    relay: (headers) => ({
      signal: ctx.mcpReq.signal,
      headers,
      onLog: (level, data, logger) => void ctx.mcpReq.log(level, data, logger).catch(() => {}),
      elicit: (params) => ctx.mcpReq.elicitInput(params as never),
      sample: (params) => ctx.mcpReq.requestSampling(params as never) as Promise<Record<string, unknown>>,
      ...(progressToken === undefined
        ? {}
        : {
            onProgress: (progress) =>
              void ctx.mcpReq
                .notify({ method: 'notifications/progress', params: { progressToken, ...progress } })
                .catch(() => {}),
          }),
    }),
  };
}
