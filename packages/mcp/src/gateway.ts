import { type Config, toolScopesOf } from '@parley/config';
import {
  type Caller,
  type Clock,
  ConflictError,
  type EventBus,
  type GuardedAction,
  type GuardedFetch,
  type Logger,
  NotFoundError,
  type RequestPipeline,
  ValidationError,
} from '@parley/core';
import type { Store } from '@parley/store';
import type { FastifyInstance } from 'fastify';
import { Federation } from './gateway/federation.ts';
import type { LocalToolProvider } from './gateway/local-tools.ts';
import { registerAdminRoutes } from './http/admin-routes.ts';
import { credentialsPath, registerCredentialRoutes } from './http/credential-routes.ts';
import { type FrontDoor, registerFrontDoor } from './http/front-door.ts';
import { registerProtectedResourceMetadata } from './http/protected-resource.ts';
import { MemoryRateLimiter, type RateLimiter } from './http/rate-limiter.ts';
import { type QuarantinedTool, ToolPins } from './pinning/tool-pins.ts';
import { SERVERS_CHANGED, TOOL_ACCEPTED, toolAccepted } from './servers/replica-events.ts';
import { ServerStore } from './servers/server-store.ts';
import { UpstreamCredentials } from './upstream/credentials.ts';
import { isHttpUpstream, type UpstreamDefinition } from './upstream/definition.ts';
import type { Upstream } from './upstream/upstream.ts';
import { loadCredentialKey } from './user-credentials/credential-key.ts';
import { UserCredentialStore } from './user-credentials/user-credential-store.ts';

export interface McpGatewayOptions {
  readonly app: FastifyInstance;
  /** The externally visible base URL, no trailing slash. */
  readonly baseUrl: string;
  /** The authorization server named in the protected-resource metadata (default `baseUrl`). */
  readonly issuer?: string;
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly bus?: EventBus;
  readonly pipeline: RequestPipeline;
  readonly config: Config['mcp'];
  /** How HTTP upstreams are fetched; pass the guarded client (`toFetch(createGuardedFetch(...))`). */
  readonly fetch?: typeof fetch;
  /**
   * The guarded client itself: plain 2026-07-28 `tools/call` requests go out
   * through it without an SDK client (`mcp.directToolCalls`). Without it,
   * every call takes the SDK path.
   */
  readonly guardedFetch?: GuardedFetch;
  /** Environment for `valueEnv` / `clientSecretEnv` secrets (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly scopesSupported?: readonly string[];
  /** Extra `Host` names accepted besides the base URL's (DNS-rebinding protection). */
  readonly allowedHostnames?: readonly string[];
  readonly requestTimeout?: number;
  readonly backoff?: { initialMs: number; maxMs: number };
  /** Where the generated key of per-user credentials is kept when `config.credentialKey` is not set. */
  readonly dataDir?: string;
  /** Counts `config.rateLimit` (default: in this process; several replicas pass a shared one). */
  readonly rateLimiter?: RateLimiter;
  /**
   * With a bus: how often run-time servers and accepted tool definitions are
   * re-read from the store, for the case an event from another replica was
   * lost (Redis pub/sub delivers at most once). Default 30 s.
   */
  readonly resyncMs?: number;
}

/** An upstream as `parley servers list` shows it. */
export interface ServerInfo {
  name: string;
  transport: 'http' | 'stdio';
  target: string;
  source: 'config' | 'api';
  status: string;
  tools: number;
  error?: string;
}

/** A tool as `parley tools list` shows it. */
export interface ToolInfo {
  name: string;
  server: string;
  digest: string;
  quarantined: boolean;
  pinnedAt: number;
}

/**
 * The MCP gateway (issue 5): one authenticated, policy-checked endpoint over
 * many upstream MCP servers.
 * @see https://modelcontextprotocol.io/specification/2025-11-25
 */
export class McpGateway {
  readonly url: string;
  readonly #options: McpGatewayOptions;
  readonly #federation: Federation;
  readonly #pins: ToolPins;
  readonly #servers: ServerStore;
  readonly #userCredentials: UserCredentialStore;
  readonly #credentials = new Map<Upstream, UpstreamCredentials>();
  #frontDoor: FrontDoor | undefined;
  readonly #unsubscribe: Array<() => void> = [];
  #resync: NodeJS.Timeout | undefined;
  /** Changes to the set of upstreams (own and other replicas'), one at a time. */
  #reconciling: Promise<void> = Promise.resolve();

  private constructor(options: McpGatewayOptions) {
    this.#options = options;
    this.url = `${options.baseUrl}/mcp`;
    this.#pins = new ToolPins(options.store, options.clock);
    this.#servers = new ServerStore(options.store, options.clock);
    this.#userCredentials = new UserCredentialStore({
      store: options.store,
      clock: options.clock,
      key: () => loadCredentialKey({ configured: options.config.credentialKey, dataDir: options.dataDir }),
    });
    const fetchUpstream = options.fetch ?? fetch;
    this.#federation = new Federation({
      pins: this.#pins,
      clock: options.clock,
      logger: options.logger,
      virtualServers: options.config.virtualServers,
      upstreamOptions: (definition) => ({
        fetch: fetchUpstream,
        ...(options.guardedFetch && options.config.directToolCalls ? { guardedFetch: options.guardedFetch } : {}),
        gatewayHeaders: () => this.#credentialsFor(definition).forGateway(),
        ...(options.requestTimeout === undefined ? {} : { requestTimeout: options.requestTimeout }),
        ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
      }),
      onQuarantine: (server, tool) => {
        void options.bus?.publish('mcp.tool.quarantined', { server, tool });
        void options.pipeline
          .record({
            caller: undefined,
            action: this.#adminAction('tools/quarantine', server, tool),
            decision: undefined,
            outcome: 'denied',
            error: 'tool definition changed since it was pinned',
            latencyMs: 0,
          })
          .catch(() => {});
      },
      onListChanged: (kind) => this.#frontDoor?.listChanged(kind),
      onResourceUpdated: (uri) => this.#frontDoor?.resourceUpdated(uri),
    });
  }

  /** Registers the routes and connects every configured and stored upstream. */
  static async start(options: McpGatewayOptions): Promise<McpGateway> {
    const gateway = new McpGateway(options);
    const baseHost = new URL(options.baseUrl).hostname;
    const loopback = ['127.0.0.1', 'localhost', '[::1]', '::1'];
    const allowedHostnames = [
      baseHost,
      ...(loopback.includes(baseHost) ? loopback : []),
      ...(options.allowedHostnames ?? []),
    ];
    gateway.#frontDoor = registerFrontDoor({
      app: options.app,
      baseUrl: options.baseUrl,
      pipeline: options.pipeline,
      federation: gateway.#federation,
      deps: {
        federation: gateway.#federation,
        pipeline: options.pipeline,
        credentials: (upstream) => gateway.#credentialsFor(upstream.definition),
        approvalWait: options.config.approvalWait,
        logger: options.logger,
        now: () => options.clock.now(),
      },
      rateLimiter:
        options.rateLimiter ??
        new MemoryRateLimiter({
          requests: options.config.rateLimit.requests,
          windowMs: options.config.rateLimit.window,
          clock: options.clock,
        }),
      logger: options.logger,
      now: () => options.clock.now(),
      allowedHostnames,
      allowedOrigins: [...allowedHostnames, ...options.config.allowedOrigins],
      directToolCalls: options.config.directToolCalls,
      bus: options.bus,
    });
    registerProtectedResourceMetadata(options.app, {
      baseUrl: options.baseUrl,
      issuer: options.issuer ?? options.baseUrl,
      scopesSupported: options.scopesSupported ?? ['mcp', ...toolScopesOf(options.config.servers)],
      federation: gateway.#federation,
    });
    registerAdminRoutes(options.app, { baseUrl: options.baseUrl, pipeline: options.pipeline, gateway });
    registerCredentialRoutes(options.app, {
      baseUrl: options.baseUrl,
      pipeline: options.pipeline,
      credentials: gateway.#userCredentials,
      definitionOf: (server) => gateway.#federation.get(server)?.definition,
      onChange: (caller, action, server) => void gateway.#audit(caller, action, server),
    });
    const stored = await gateway.#servers.list();
    const configured = new Set(options.config.servers.map((s) => s.name));
    await Promise.all([
      ...options.config.servers.map((definition) => gateway.#federation.add(definition, 'config')),
      ...stored.filter((d) => !configured.has(d.name)).map((definition) => gateway.#federation.add(definition, 'api')),
    ]);
    if (options.bus) {
      await gateway.#followOtherReplicas(options.bus);
      gateway.#resync = setInterval(() => void gateway.#resyncFromStore(), options.resyncMs ?? 30_000);
      gateway.#resync.unref();
    }
    return gateway;
  }

  /**
   * Adds built-in tools (`<server>.<tool>`): listed and called through the same
   * policy, approval and audit steps as upstream tools, the handler being the
   * forward step. Not pinned: they are Parley's own code.
   */
  registerLocalTools(provider: LocalToolProvider): void {
    this.#federation.addLocal(provider);
  }

  listServers(): ServerInfo[] {
    return this.#federation.list().map(({ upstream, source }) => describe(upstream, source));
  }

  /** Adds an upstream at run time (stored, so it survives restarts). */
  async addServer(definition: UpstreamDefinition, caller?: Caller): Promise<ServerInfo> {
    if (this.#federation.hasServer(definition.name))
      throw new ConflictError(`server ${definition.name} already exists`);
    await this.#servers.add(definition);
    // A reconciliation that saw the stored row first may have connected it already.
    const upstream = await this.#serially(
      async () => this.#federation.get(definition.name) ?? (await this.#federation.add(definition, 'api')),
    );
    await this.#audit(caller, 'servers/add', definition.name);
    void this.#options.bus?.publish(SERVERS_CHANGED, { name: definition.name }).catch(() => {});
    return describe(upstream, 'api');
  }

  async removeServer(name: string, caller?: Caller): Promise<void> {
    const upstream = this.#federation.get(name);
    if (!upstream) throw new NotFoundError(`server ${name}`);
    if (this.listServers().find((s) => s.name === name)?.source === 'config') {
      throw new ConflictError(`server ${name} comes from the configuration file; remove it there`);
    }
    // The stored row goes first, so no reconciliation in between connects the server again.
    await this.#servers.remove(name);
    await this.#serially(async () => {
      if (this.#federation.get(name) === upstream) await this.#federation.remove(name);
    });
    this.#credentials.delete(upstream);
    // A later server of the same name must not receive these users' secrets.
    await this.#userCredentials.forgetServer(name);
    await this.#pins.forget(name);
    await this.#audit(caller, 'servers/remove', name);
    void this.#options.bus?.publish(SERVERS_CHANGED, { name }).catch(() => {});
  }

  async listTools(): Promise<ToolInfo[]> {
    return (await this.#pins.listPins()).map((pin) => ({
      name: `${pin.server}.${pin.tool}`,
      server: pin.server,
      digest: pin.digest,
      quarantined: pin.quarantined,
      pinnedAt: pin.pinnedAt,
    }));
  }

  listQuarantined(): Promise<QuarantinedTool[]> {
    return this.#pins.listQuarantined();
  }

  /** Accepts a quarantined definition of `<server>.<tool>` (upstream names). */
  async acceptTool(name: string, caller?: Caller): Promise<{ name: string; digest: string; previous: string }> {
    const dot = name.indexOf('.');
    if (dot <= 0) throw new ValidationError('tool names are written <server>.<tool>');
    const server = name.slice(0, dot);
    const tool = name.slice(dot + 1);
    const accepted = await this.#pins.accept(server, tool);
    await this.#audit(caller, 'tools/accept', server, tool);
    void this.#options.bus?.publish(TOOL_ACCEPTED, { server, tool, digest: accepted.digest }).catch(() => {});
    this.#frontDoor?.listChanged('tools');
    return { name, ...accepted };
  }

  async stop(): Promise<void> {
    clearInterval(this.#resync);
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    await this.#reconciling;
    await this.#frontDoor?.close();
    await this.#federation.stop();
  }

  #credentialsFor(definition: UpstreamDefinition): UpstreamCredentials {
    const upstream = this.#federation.get(definition.name);
    const cached = upstream ? this.#credentials.get(upstream) : undefined;
    if (cached) return cached;
    const credentials = new UpstreamCredentials({
      auth: isHttpUpstream(definition) ? definition.auth : { type: 'none' },
      audience: isHttpUpstream(definition) ? definition.url : definition.name,
      pipeline: this.#options.pipeline,
      env: this.#options.env ?? process.env,
      fetch: this.#options.fetch ?? fetch,
      now: () => this.#options.clock.now(),
      server: definition.name,
      userCredentials: this.#userCredentials,
      credentialsUrl: `${this.#options.baseUrl}${credentialsPath(definition.name)}`,
    });
    if (upstream) this.#credentials.set(upstream, credentials);
    return credentials;
  }

  #adminAction(action: string, server: string, tool?: string): GuardedAction {
    return {
      protocol: 'admin',
      action,
      resource: tool === undefined ? { type: 'McpServer', id: server } : { type: 'Tool', id: `${server}.${tool}` },
      parents: [{ type: 'McpServer', id: server }],
      audience: `${this.#options.baseUrl}/api`,
    };
  }

  /**
   * What another replica changes reaches this one: servers added or removed
   * at run time (reconciled with the store, so a repeated or late event does
   * no harm), and tool definitions accepted out of quarantine.
   */
  async #followOtherReplicas(bus: EventBus): Promise<void> {
    this.#unsubscribe.push(
      await bus.subscribe(SERVERS_CHANGED, () => {
        this.#serially(() => this.#reconcileServers()).catch((error: unknown) =>
          this.#options.logger.warn({ err: error }, 'following another replica’s server change failed'),
        );
      }),
      await bus.subscribe(TOOL_ACCEPTED, (payload) => {
        const accepted = toolAccepted(payload);
        if (accepted && this.#pins.noteAccepted(accepted.server, accepted.tool, accepted.digest)) {
          this.#frontDoor?.listChanged('tools');
        }
      }),
    );
  }

  /** What the events would have brought, read from the store. */
  async #resyncFromStore(): Promise<void> {
    try {
      await this.#serially(() => this.#reconcileServers());
      if (await this.#pins.refreshAccepted()) this.#frontDoor?.listChanged('tools');
    } catch (error) {
      this.#options.logger.warn({ err: error }, 're-reading servers and tool pins from the store failed');
    }
  }

  /** Runs `work` after every change to the set of upstreams queued before it. */
  #serially<T>(work: () => Promise<T>): Promise<T> {
    const done = this.#reconciling.then(work);
    this.#reconciling = done.then(
      () => undefined,
      () => undefined,
    );
    return done;
  }

  /** Connects stored servers this replica lacks and drops run-time ones no longer stored. */
  async #reconcileServers(): Promise<void> {
    const stored = await this.#servers.list();
    const names = new Set(stored.map((definition) => definition.name));
    for (const { name, source } of this.listServers()) {
      if (source !== 'api' || names.has(name)) continue;
      const upstream = this.#federation.get(name);
      await this.#federation.remove(name);
      if (upstream) this.#credentials.delete(upstream);
    }
    for (const definition of stored) {
      if (!this.#federation.hasServer(definition.name)) await this.#federation.add(definition, 'api');
    }
  }

  async #audit(caller: Caller | undefined, action: string, server: string, tool?: string): Promise<void> {
    await this.#options.pipeline
      .record({
        caller,
        action: this.#adminAction(action, server, tool),
        decision: undefined,
        outcome: 'ok',
        latencyMs: 0,
      })
      .catch((err: unknown) => this.#options.logger.error({ err }, 'recording an admin action failed'));
  }
}

function describe(upstream: Upstream, source: 'config' | 'api'): ServerInfo {
  const definition = upstream.definition;
  const info: ServerInfo = {
    name: upstream.name,
    transport: upstream.transportKind,
    target: isHttpUpstream(definition) ? definition.url : [definition.command, ...definition.args].join(' '),
    source,
    status: upstream.status,
    tools: upstream.catalog.tools.length,
  };
  if (upstream.lastError !== undefined) info.error = upstream.lastError;
  return info;
}
