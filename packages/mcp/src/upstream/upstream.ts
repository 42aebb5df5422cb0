import {
  type CallToolResult,
  Client,
  type CompleteResult,
  type GetPromptResult,
  type InputRequiredResult,
  type McpSubscription,
  type Prompt,
  ProtocolError,
  type ReadResourceResult,
  type Resource,
  type ResourceTemplateType as ResourceTemplate,
  SdkError,
  SdkErrorCode,
  type ServerCapabilities,
  StreamableHTTPClientTransport,
  type Tool,
  type Transport,
} from '@modelcontextprotocol/client';
import type { Clock, GuardedFetch, GuardedRequestInit, Logger } from '@parley/core';
import { McpErrorCode, McpGatewayError, upstreamAnswerError } from '../errors.ts';
import { type CallRelay, currentRelay } from './call-relay.ts';
import { isHttpUpstream, type UpstreamDefinition } from './definition.ts';
import { type InputRetry, passInputRequired } from './input-required.ts';
import { isPlainTool, sendPlainCall } from './plain-call.ts';
import { CleanStdioTransport } from './stdio-transport.ts';

export type UpstreamStatus = 'connecting' | 'ready' | 'down' | 'stopped';
export type CatalogKind = 'tools' | 'resources' | 'prompts';

/** What one upstream offers, as last listed. */
export interface UpstreamCatalog {
  tools: readonly Tool[];
  resources: readonly Resource[];
  resourceTemplates: readonly ResourceTemplate[];
  prompts: readonly Prompt[];
}

export interface UpstreamOptions {
  readonly definition: UpstreamDefinition;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The fetch HTTP upstreams are reached with (the guarded client, in production). */
  readonly fetch: typeof fetch;
  /** The guarded client itself, for plain `tools/call` without the SDK client (see `callToolPlain`). */
  readonly guardedFetch?: GuardedFetch;
  /** Headers for calls made for no caller in particular (connect, listing). */
  readonly gatewayHeaders: () => Promise<Record<string, string>>;
  readonly onCatalogChange: (upstream: Upstream, kind: CatalogKind) => void | Promise<void>;
  /** `notifications/resources/updated` from the upstream, for the callers subscribed to `uri`. */
  readonly onResourceUpdated?: (upstream: Upstream, uri: string) => void;
  /** Upstream request timeout in ms (reset by progress). */
  readonly requestTimeout?: number;
  readonly backoff?: { initialMs: number; maxMs: number };
}

/**
 * A 2026-07-28 server only logs at the level a request asks for; the gateway
 * asks for everything and filters per caller (its own `logging/setLevel`).
 */
const ALL_LOGS = { 'io.modelcontextprotocol/logLevel': 'debug' };

const isModern = (version: string | undefined): version is string => version !== undefined && version >= '2026-07-28';

const EMPTY: UpstreamCatalog = { tools: [], resources: [], resourceTemplates: [], prompts: [] };

/**
 * One federated upstream MCP server: a shared client over Streamable HTTP
 * (either protocol era) or stdio, its catalog, and reconnection with
 * exponential backoff when it dies.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/transports
 */
export class Upstream {
  readonly name: string;
  readonly definition: UpstreamDefinition;
  #options: UpstreamOptions;
  #client: Client | undefined;
  #status: UpstreamStatus = 'connecting';
  #catalog: UpstreamCatalog = EMPTY;
  #capabilities: ServerCapabilities | undefined;
  #inFlight = new Set<CallRelay>();
  #retryTimer: NodeJS.Timeout | undefined;
  #attempt = 0;
  #lastError: string | undefined;
  #ready: Promise<void> | undefined;
  #stderr: string[] = [];
  /** 2026-07-28 upstreams: one `subscriptions/listen` stream per subscribed URI. */
  #listens = new Map<string, Promise<McpSubscription>>();
  /** 2026-07-28 upstreams: the stream their `list_changed` notifications come on, and its retry timer. */
  #catalogListen: McpSubscription | undefined;
  #catalogListenTimer: NodeJS.Timeout | undefined;
  #plainIds = 0;

  constructor(options: UpstreamOptions) {
    this.#options = options;
    this.definition = options.definition;
    this.name = options.definition.name;
  }

  get status(): UpstreamStatus {
    return this.#status;
  }
  get catalog(): UpstreamCatalog {
    return this.#catalog;
  }
  get capabilities(): ServerCapabilities | undefined {
    return this.#capabilities;
  }
  get lastError(): string | undefined {
    return this.#lastError;
  }
  get transportKind(): 'http' | 'stdio' {
    return isHttpUpstream(this.definition) ? 'http' : 'stdio';
  }

  /** Connects once; on failure keeps retrying in the background. Resolves after the first attempt. */
  start(): Promise<void> {
    this.#ready ??= this.#connect();
    return this.#ready;
  }

  async stop(): Promise<void> {
    this.#status = 'stopped';
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#catalogListenTimer);
    const client = this.#client;
    this.#client = undefined;
    await this.#closeListens();
    await client?.close().catch(() => {});
  }

  async #closeListens(): Promise<void> {
    const listens = [...this.#listens.values()];
    this.#listens.clear();
    const catalog = this.#catalogListen;
    this.#catalogListen = undefined;
    await catalog?.close().catch(() => undefined);
    await Promise.all(listens.map((l) => l.then((s) => s.close()).catch(() => undefined)));
  }

  async #connect(): Promise<void> {
    if (this.#status === 'stopped') return;
    this.#status = 'connecting';
    const client = this.#createClient();
    try {
      const transport = await this.#createTransport();
      transport.onclose = () => this.#onClosed(client);
      await client.connect(transport, { timeout: this.#options.requestTimeout ?? 30_000 });
      if ((this.#status as UpstreamStatus) === 'stopped') {
        await client.close();
        return;
      }
      this.#client = client;
      this.#capabilities = client.getServerCapabilities();
      await this.refresh();
      this.#status = 'ready';
      this.#attempt = 0;
      this.#lastError = undefined;
      this.#listenForCatalogChanges(client, 0);
      this.#options.logger.info({ upstream: this.name }, 'upstream MCP server connected');
    } catch (error) {
      this.#lastError = error instanceof Error ? error.message : String(error);
      this.#options.logger.warn({ upstream: this.name, err: error }, 'upstream MCP server unavailable');
      await client.close().catch(() => {});
      this.#scheduleReconnect();
    }
  }

  #onClosed(client: Client): void {
    if (this.#client !== client || this.#status === 'stopped') return;
    this.#client = undefined;
    this.#listens.clear();
    this.#catalogListen = undefined;
    clearTimeout(this.#catalogListenTimer);
    this.#status = 'down';
    this.#lastError = 'connection closed';
    this.#options.logger.warn({ upstream: this.name, stderr: this.#stderr.slice(-5) }, 'upstream MCP server went away');
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#status === 'stopped') return;
    this.#status = 'down';
    const { initialMs, maxMs } = this.#options.backoff ?? { initialMs: 250, maxMs: 30_000 };
    const delay = Math.min(maxMs, initialMs * 2 ** this.#attempt);
    this.#attempt++;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => void this.#connect(), delay);
    this.#retryTimer.unref();
  }

  #createClient(): Client {
    const client = new Client(
      { name: 'parley-gateway', version: '0.1.0' },
      {
        capabilities: { elicitation: { form: {}, url: {} }, sampling: {} },
        // An upstream's `input_required` goes back to the caller whose request it answers (see `#roundTrip`).
        inputRequired: { autoFulfill: false },
        versionNegotiation: { mode: isHttpUpstream(this.definition) ? 'auto' : 'legacy' },
      },
    );
    client.setRequestHandler('elicitation/create', async (request) => {
      const relay = this.#relay();
      if (!relay?.elicit) return { action: 'decline' };
      return relay.elicit(request.params as Record<string, unknown>);
    });
    client.setRequestHandler('sampling/createMessage', async (request) => {
      const relay = this.#relay();
      if (!relay?.sample)
        throw new McpGatewayError('ERR_MCP_NO_SAMPLING', McpErrorCode.InvalidParams, 'sampling unavailable');
      return (await relay.sample(request.params as Record<string, unknown>)) as never;
    });
    client.setNotificationHandler('notifications/message', (notification) => {
      const { level, data, logger } = notification.params;
      this.#relay()?.onLog?.(level, data, logger);
    });
    client.setNotificationHandler('notifications/resources/updated', (notification) => {
      this.#options.onResourceUpdated?.(this, notification.params.uri);
    });
    client.setNotificationHandler('notifications/tools/list_changed', () => void this.refresh('tools'));
    client.setNotificationHandler('notifications/resources/list_changed', () => void this.refresh('resources'));
    client.setNotificationHandler('notifications/prompts/list_changed', () => void this.refresh('prompts'));
    return client;
  }

  async #createTransport(): Promise<Transport> {
    const definition = this.definition;
    if (isHttpUpstream(definition)) {
      const gatewayHeaders = await this.#options.gatewayHeaders();
      const base = this.#options.fetch;
      const withCredential: typeof fetch = (input, init) => {
        const headers = new Headers(init?.headers);
        const credential = currentRelay.getStore()?.headers ?? gatewayHeaders;
        for (const [name, value] of Object.entries(credential)) headers.set(name, value);
        // The guarded client drops these on a redirect to another origin; plain fetch ignores the field.
        const guardedInit: GuardedRequestInit = { ...init, headers, credentialHeaders: Object.keys(credential) };
        return base(input, guardedInit);
      };
      return new StreamableHTTPClientTransport(new URL(definition.url), { fetch: withCredential });
    }
    const transport = new CleanStdioTransport({
      command: definition.command,
      args: definition.args,
      env: definition.env,
      cwd: definition.cwd,
      onStderr: (line) => {
        this.#stderr.push(line);
        if (this.#stderr.length > 50) this.#stderr.shift();
      },
    });
    return transport;
  }

  /**
   * The relay of the call this message belongs to: from the async context on
   * HTTP; on stdio, the only call in flight (with several, nothing is relayed
   * rather than risk sending one caller's request to another).
   */
  #relay(): CallRelay | undefined {
    const fromContext = currentRelay.getStore();
    if (fromContext) return fromContext;
    if (this.#inFlight.size === 1) return this.#inFlight.values().next().value;
    return undefined;
  }

  /**
   * A 2026-07-28 server sends `list_changed` only on a `subscriptions/listen`
   * stream, so the gateway keeps one open per upstream, for the lists the
   * upstream says can change. The client dispatches what arrives to the
   * handlers `#createClient` set. When the stream ends or cannot be opened it is
   * opened again with backoff, and the catalog re-listed (a change may have
   * been missed in between).
   * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/utilities/subscriptions
   */
  #listenForCatalogChanges(client: Client, attempt: number): void {
    const caps = client.getServerCapabilities() ?? {};
    const filter = {
      ...(caps.tools?.listChanged ? { toolsListChanged: true } : {}),
      ...(caps.prompts?.listChanged ? { promptsListChanged: true } : {}),
      ...(caps.resources?.listChanged ? { resourcesListChanged: true } : {}),
    };
    if (!isModern(client.getNegotiatedProtocolVersion()) || Object.keys(filter).length === 0) return;
    const current = () => this.#client === client && this.#status === 'ready';
    const again = (next: number) => {
      if (!current()) return;
      const { initialMs, maxMs } = this.#options.backoff ?? { initialMs: 250, maxMs: 30_000 };
      clearTimeout(this.#catalogListenTimer);
      this.#catalogListenTimer = setTimeout(
        () => {
          if (!current()) return;
          void this.refresh();
          this.#listenForCatalogChanges(client, next);
        },
        Math.min(maxMs, initialMs * 2 ** attempt),
      );
      this.#catalogListenTimer.unref();
    };
    client.listen(filter, { timeout: this.#options.requestTimeout ?? 30_000 }).then(
      async (subscription) => {
        if (!current()) return void subscription.close().catch(() => undefined);
        this.#catalogListen = subscription;
        const opened = Date.now();
        await subscription.closed.catch(() => undefined);
        if (this.#catalogListen === subscription) this.#catalogListen = undefined;
        // A stream that keeps ending at once is retried with backoff, not in a loop.
        again(Date.now() - opened < 10_000 ? attempt + 1 : 0);
      },
      (error: unknown) => {
        if (!current()) return;
        this.#options.logger.warn({ upstream: this.name, err: error }, 'listening for upstream list changes failed');
        again(attempt + 1);
      },
    );
  }

  /** Re-lists what the upstream offers and reports what changed. */
  async refresh(only?: CatalogKind): Promise<void> {
    const client = this.#client;
    if (!client) return;
    const caps = client.getServerCapabilities() ?? {};
    const opts = { cacheMode: 'bypass' as const, timeout: this.#options.requestTimeout ?? 30_000 };
    const next: UpstreamCatalog = { ...this.#catalog };
    try {
      if ((!only || only === 'tools') && caps.tools) next.tools = (await client.listTools(undefined, opts)).tools;
      if ((!only || only === 'resources') && caps.resources) {
        next.resources = (await client.listResources(undefined, opts)).resources;
        next.resourceTemplates = (await client.listResourceTemplates(undefined, opts)).resourceTemplates;
      }
      if ((!only || only === 'prompts') && caps.prompts)
        next.prompts = (await client.listPrompts(undefined, opts)).prompts;
    } catch (error) {
      this.#options.logger.warn({ upstream: this.name, err: error }, 'listing upstream catalog failed');
      return;
    }
    this.#catalog = next;
    for (const kind of only ? [only] : (['tools', 'resources', 'prompts'] as const)) {
      await this.#options.onCatalogChange(this, kind);
    }
  }

  /**
   * `tools/call` through the SDK client. An `input_required` answer is handed
   * back as it came, for the caller to answer; `retry` carries the caller's
   * answers to the previous one.
   * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/patterns/mrtr
   */
  callTool(
    name: string,
    args: Record<string, unknown> | undefined,
    relay: CallRelay,
    retry?: InputRetry,
  ): Promise<CallToolResult | InputRequiredResult> {
    return this.#roundTrip(
      relay,
      (client, options) =>
        client.callTool(
          {
            name,
            ...(args === undefined ? {} : { arguments: args }),
            ...retry,
            ...(relay.onLog ? { _meta: ALL_LOGS } : {}),
          },
          options,
        ) as Promise<CallToolResult | InputRequiredResult>,
    );
  }

  /**
   * Whether a call to `tool` can go out as one plain POST (`callToolPlain`):
   * a connected HTTP upstream on 2026-07-28 or later, reached through the
   * guarded client, and a tool that needs no `Mcp-Param` headers.
   */
  acceptsPlainCall(tool: Tool): boolean {
    return this.#plainEndpoint() !== undefined && isPlainTool(tool);
  }

  /** Where plain calls go, while this upstream takes them. */
  #plainEndpoint(): { guarded: GuardedFetch; url: string; version: string } | undefined {
    const guarded = this.#options.guardedFetch;
    const version = this.#client?.getNegotiatedProtocolVersion();
    if (this.#status !== 'ready' || !guarded || !isHttpUpstream(this.definition) || !isModern(version)) {
      return undefined;
    }
    return { guarded, url: this.definition.url, version };
  }

  /**
   * `tools/call` without the SDK client: one stateless POST whose answer is
   * read as JSON or SSE (see `sendPlainCall`). Progress and log messages are
   * not relayed; callers that want them take `callTool`.
   */
  async callToolPlain(
    name: string,
    args: Record<string, unknown> | undefined,
    clientCapabilities: Readonly<Record<string, unknown>>,
    relay: CallRelay,
  ): Promise<Record<string, unknown>> {
    // Checked again: an approval may have kept the call waiting while the upstream went away.
    const endpoint = this.#plainEndpoint();
    if (!endpoint) throw this.#unavailable();
    try {
      return await sendPlainCall(endpoint.guarded, {
        url: endpoint.url,
        protocolVersion: endpoint.version,
        id: ++this.#plainIds,
        name,
        arguments: args,
        clientCapabilities,
        headers: relay.headers,
        signal: relay.signal,
        timeoutMs: this.#options.requestTimeout ?? 60_000,
      });
    } catch (error) {
      if (relay.signal.aborted || error instanceof ProtocolError || error instanceof McpGatewayError) throw error;
      throw this.#unavailable(error);
    }
  }

  /** `resources/read`; `input_required` and `retry` as for `callTool`. */
  readResource(uri: string, relay: CallRelay, retry?: InputRetry): Promise<ReadResourceResult | InputRequiredResult> {
    return this.#roundTrip(
      relay,
      (client, options) =>
        client.readResource({ uri, ...retry }, { ...options, cacheMode: 'bypass' }) as Promise<
          ReadResourceResult | InputRequiredResult
        >,
    );
  }

  /** `prompts/get`; `input_required` and `retry` as for `callTool`. */
  getPrompt(
    name: string,
    args: Record<string, string> | undefined,
    relay: CallRelay,
    retry?: InputRetry,
  ): Promise<GetPromptResult | InputRequiredResult> {
    return this.#roundTrip(
      relay,
      (client, options) =>
        client.getPrompt({ name, ...(args === undefined ? {} : { arguments: args }), ...retry }, options) as Promise<
          GetPromptResult | InputRequiredResult
        >,
    );
  }

  complete(params: Record<string, unknown>, relay: CallRelay): Promise<CompleteResult> {
    return this.#call(relay, (client, options) => client.complete(params as never, options));
  }

  /**
   * Asks the upstream for `notifications/resources/updated` about `uri`:
   * `resources/subscribe` on a 2025-era connection, a `subscriptions/listen`
   * stream (shared by every caller) on a 2026-07-28 one.
   * @see https://modelcontextprotocol.io/specification/2025-11-25/server/resources#subscriptions
   */
  async subscribeResource(uri: string, relay: CallRelay): Promise<void> {
    const client = this.#client;
    if (client && isModern(client.getNegotiatedProtocolVersion())) {
      let listening = this.#listens.get(uri);
      if (!listening) {
        listening = client.listen({ resourceSubscriptions: [uri] });
        this.#listens.set(uri, listening);
        void listening
          .then((subscription) => subscription.closed)
          .catch(() => undefined)
          .finally(() => {
            if (this.#listens.get(uri) === listening) this.#listens.delete(uri);
          });
      }
      await this.#call(relay, () => listening);
      return;
    }
    await this.#call(relay, (c, options) => c.subscribeResource({ uri }, options));
  }

  /** A request whose answer may be `input_required` (`tools/call`, `prompts/get`, `resources/read`). */
  #roundTrip<T>(
    relay: CallRelay,
    run: (client: Client, options: Parameters<Client['callTool']>[1] & object) => Promise<T>,
  ): Promise<T> {
    return this.#call(relay, (client, options) => run(client, { ...options, allowInputRequired: true })).then(
      passInputRequired,
    );
  }

  async #call<T>(
    relay: CallRelay,
    run: (client: Client, options: Parameters<Client['callTool']>[1] & object) => Promise<T>,
  ): Promise<T> {
    const client = this.#client;
    if (!client || this.#status !== 'ready') throw this.#unavailable();
    this.#inFlight.add(relay);
    try {
      return await currentRelay.run(relay, () =>
        run(client, {
          signal: relay.signal,
          timeout: this.#options.requestTimeout ?? 60_000,
          resetTimeoutOnProgress: true,
          ...(relay.onProgress ? { onprogress: relay.onProgress } : {}),
        }),
      );
    } catch (error) {
      if (relay.signal.aborted) throw error;
      // The upstream is up but its answer failed the SDK's schema: a bad answer, not an outage.
      if (error instanceof SdkError && error.code === SdkErrorCode.InvalidResult) {
        throw upstreamAnswerError('sent a malformed result');
      }
      // Errors the upstream answered with are passed through; a broken connection is ours to explain.
      if (
        error instanceof Error &&
        'code' in error &&
        typeof error.code === 'number' &&
        !/closed/i.test(error.message)
      ) {
        throw error;
      }
      throw this.#unavailable(error);
    } finally {
      this.#inFlight.delete(relay);
    }
  }

  #unavailable(cause?: unknown): McpGatewayError {
    return new McpGatewayError(
      'ERR_MCP_UPSTREAM_UNAVAILABLE',
      McpErrorCode.UpstreamUnavailable,
      `upstream ${this.name} unavailable${cause instanceof Error ? `: ${cause.message}` : ''}`,
      { publicMessage: `upstream server ${this.name} is unavailable`, data: { server: this.name }, cause },
    );
  }
}
