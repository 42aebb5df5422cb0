import type { Clock, EventBus, FetchFunction, GuardedFetch, Logger, RequestPipeline } from '@parley/core';
import { NotFoundError, ParleyError } from '@parley/core';
import type { Store } from '@parley/store';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CallContext } from './bindings/a2a-handler.ts';
import { type A2AEndpoint, AGENT_JWKS_PATH, a2aEndpoint } from './bindings/endpoint.ts';
import { ownerOf } from './bindings/owner.ts';
import {
  type AuthorizationServerInfo,
  agentInterfaces,
  buildAgentCard,
  parleyAuthorizationServer,
  parleySecurity,
} from './cards/build-card.ts';
import { CardSigner } from './cards/card-signer.ts';
import { type AgentKeyStore, PROXY_KEY } from './cards/key-store.ts';
import { RemoteAgentClient } from './client/remote-agent-client.ts';
import { ApprovalFlow } from './proxy/approval-flow.ts';
import { Guard } from './proxy/guard.ts';
import { HeldTasks } from './proxy/held-tasks.ts';
import { ProxyHandler, type ProxyTarget } from './proxy/proxy-handler.ts';
import { RemoteTaskOwners } from './proxy/remote-task-owners.ts';
import { PushConfigStore } from './push/push-config-store.ts';
import { PushSender } from './push/push-sender.ts';
import type { WebhookPolicy } from './push/webhook-check.ts';
import { AgentRegistry, type RegisteredAgent } from './registry/agent-registry.ts';
import { registryRoutes } from './registry/registry-routes.ts';
import { AgentRuntime } from './runtime/agent-runtime.ts';
import type { AgentDefinition } from './runtime/define-agent.ts';
import { TaskEvents } from './runtime/task-events.ts';
import { TaskManager } from './runtime/task-manager.ts';
import { TaskStore } from './runtime/task-store.ts';
import type { AgentCard } from './wire/schemas/agent-card.ts';

export interface A2AServiceOptions {
  readonly app: FastifyInstance;
  /** Parley's external base URL, no trailing slash. */
  readonly baseUrl: string;
  readonly store: Store;
  readonly bus: EventBus;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly pipeline: RequestPipeline;
  readonly keys: AgentKeyStore;
  /** Local agents, served at `/a2a/<name>`. */
  readonly agents?: readonly AgentDefinition[];
  /** The guarded HTTP client (cards, JWKS, webhooks). */
  readonly fetch: GuardedFetch;
  /** The guarded client as `fetch`, streaming SSE (forwarding to remote agents). */
  readonly streamFetch: FetchFunction;
  readonly webhooks: WebhookPolicy;
  readonly authorizationServer?: AuthorizationServerInfo;
  /** Remote agents from configuration, registered on start (TOFU) when not yet known. */
  readonly configuredAgents?: ReadonlyArray<{ name: string; url: string }>;
  /** How often remote cards are re-fetched, ms (0: never). */
  readonly refreshIntervalMs?: number;
  readonly bodyLimit?: number;
  /** Longest actor chain a request may carry after the proxy's own token exchange (`identity.maxDelegationDepth`). */
  readonly maxDelegationDepth?: number;
  /** Push delivery tuning (tests). */
  readonly pushRetry?: { attempts?: number; backoffMs?: number };
}

type RemoteTarget = Extract<ProxyTarget, { kind: 'remote' }> & { readonly registered: RegisteredAgent };

/** As `identity.maxDelegationDepth` defaults. */
const DEFAULT_MAX_DELEGATION_DEPTH = 4;

/** Path of the JWKS that verifies push-notification JWTs. */
export const PUSH_JWKS_PATH = '/.well-known/parley-push-jwks.json';

/**
 * The a2a part: local agents and registered remote agents behind the proxy
 * at `/a2a/<agent>`, the registry (`GET /a2a`, admin API), push notifications.
 * @see DESIGN.md, "Parts"
 */
export class A2AService {
  readonly registry: AgentRegistry;
  readonly runtimes: ReadonlyMap<string, AgentRuntime>;
  readonly tasks: TaskManager;
  readonly push: PushSender;
  readonly #o: A2AServiceOptions;
  readonly #signer: CardSigner;
  readonly #guard: Guard;
  readonly #approvals: ApprovalFlow;
  readonly #remoteOwners: RemoteTaskOwners;
  readonly #authServer: AuthorizationServerInfo;
  #refreshTimer: NodeJS.Timeout | undefined;

  private constructor(options: A2AServiceOptions) {
    this.#o = options;
    const { store, clock, logger } = options;
    this.tasks = new TaskManager({ store: new TaskStore(store, clock), events: new TaskEvents(options.bus), clock });
    const pushConfigs = new PushConfigStore(store, clock, options.webhooks);
    this.push = new PushSender({
      store,
      configs: pushConfigs,
      keys: options.keys,
      fetch: options.fetch,
      clock,
      logger,
      issuer: options.baseUrl,
      ...options.pushRetry,
    });
    this.tasks.onChange(this.push.onChange);
    this.#signer = new CardSigner(options.keys, { store, clock });
    this.#guard = new Guard(options.pipeline, logger);
    this.#remoteOwners = new RemoteTaskOwners(store, clock);
    this.#approvals = new ApprovalFlow({
      pipeline: options.pipeline,
      guard: this.#guard,
      tasks: this.tasks,
      remoteOwners: this.#remoteOwners,
      held: new HeldTasks(store, clock),
      logger,
    });
    this.#authServer = options.authorizationServer ?? parleyAuthorizationServer(options.baseUrl);
    const runtimes = new Map<string, AgentRuntime>();
    for (const agent of options.agents ?? []) {
      runtimes.set(
        agent.name,
        new AgentRuntime({
          agent,
          tasks: this.tasks,
          logger,
          push: pushConfigs,
          extendedCard: async () => ({
            ...(await this.#localCard(agent)),
            description: agent.extendedDescription ?? agent.card.description,
          }),
          credentialFor: (caller, audience, opts) => options.pipeline.credentialFor(caller, audience, opts),
        }),
      );
    }
    this.runtimes = runtimes;
    this.registry = new AgentRegistry({ store, fetch: options.fetch, clock, logger, reserved: runtimes.keys() });
  }

  /** Mounts the routes and registers configured remote agents. */
  static async start(options: A2AServiceOptions): Promise<A2AService> {
    const service = new A2AService(options);
    const { app } = options;
    await app.register(a2aEndpoint, {
      prefix: '/a2a/:agent',
      resolve: (request) => service.#endpoint(request),
      ...(options.bodyLimit === undefined ? {} : { bodyLimit: options.bodyLimit }),
    });
    await app.register(registryRoutes, { service, pipeline: options.pipeline, baseUrl: options.baseUrl });
    app.get(PUSH_JWKS_PATH, async () => ({ keys: await options.keys.publicKeys('parley-push') }));
    for (const configured of options.configuredAgents ?? []) {
      if (await service.registry.find(configured.name)) continue;
      await service.registry.register(configured).catch((error: unknown) => {
        options.logger.warn({ err: error, agent: configured.name }, 'configured A2A agent could not be registered');
      });
    }
    await service.#approvals
      .resume((name) => service.#target(name))
      .catch((error: unknown) => {
        options.logger.error({ err: error }, 'A2A tasks held for approval could not resume waiting');
      });
    if (options.refreshIntervalMs && options.refreshIntervalMs > 0) {
      service.#refreshTimer = setInterval(() => void service.refreshAll(), options.refreshIntervalMs);
      service.#refreshTimer.unref();
    }
    return service;
  }

  /** Re-fetches every registered remote card (changed ones are held). */
  async refreshAll(): Promise<RegisteredAgent[]> {
    const results: RegisteredAgent[] = [];
    for (const agent of await this.registry.list()) {
      try {
        results.push(await this.registry.refresh(agent.name));
      } catch (error) {
        this.#o.logger.warn({ err: error, agent: agent.name }, 'A2A agent card refresh failed');
      }
    }
    return results;
  }

  /** The proxy URL of an agent: the audience its callers' tokens are bound to. */
  agentUrl(name: string): string {
    return `${this.#o.baseUrl}/a2a/${name}`;
  }

  /** Every agent reachable through the proxy, with the card the proxy serves for it. */
  async listAgents(): Promise<Array<{ name: string; kind: 'local' | 'remote'; status: string; card: AgentCard }>> {
    const local = await Promise.all(
      [...this.runtimes.values()].map(async (runtime) => ({
        name: runtime.name,
        kind: 'local' as const,
        status: 'active',
        card: await this.#localCard(runtime.agent),
      })),
    );
    const remote = await Promise.all(
      (await this.registry.list()).map(async (agent) => ({
        name: agent.name,
        kind: 'remote' as const,
        status: agent.status,
        card: await this.#remoteCard(agent),
      })),
    );
    return [...local, ...remote];
  }

  async stop(): Promise<void> {
    if (this.#refreshTimer) clearInterval(this.#refreshTimer);
    this.#approvals.stop();
    this.push.stop();
    for (const runtime of this.runtimes.values()) runtime.stop();
  }

  async #endpoint(request: FastifyRequest): Promise<A2AEndpoint> {
    const name = (request.params as { agent: string }).agent;
    const audience = this.agentUrl(name);
    const target = await this.#target(name);
    if (!target) throw new NotFoundError(`agent ${name}`);
    let card: () => Promise<AgentCard>;
    let keyName: string;
    if (target.kind === 'local') {
      card = () => this.#localCard(target.runtime.agent);
      keyName = name;
    } else {
      const agent = target.registered;
      if (agent.status === 'held') {
        throw new ParleyError(
          'ERR_A2A_AGENT_HELD',
          `agent ${name} is held (${agent.heldReason}); an administrator must accept the change`,
          { status: 503 },
        );
      }
      card = () => this.#remoteCard(agent);
      keyName = PROXY_KEY;
    }
    const handler = new ProxyHandler({
      target,
      guard: this.#guard,
      approvals: this.#approvals,
      audience,
      tasks: this.tasks,
      remoteOwners: this.#remoteOwners,
      maxDelegationDepth: this.#o.maxDelegationDepth ?? DEFAULT_MAX_DELEGATION_DEPTH,
    });
    return {
      handler,
      card,
      jwks: () => this.#o.keys.publicKeys(keyName),
      resolveContext: async (req, version): Promise<CallContext> => {
        const caller = await this.#o.pipeline.authenticate(
          { method: req.method, url: `${this.#o.baseUrl}${req.url}`, headers: req.headers },
          { url: audience },
        );
        return { owner: ownerOf(caller), caller, version };
      },
    };
  }

  /** The local or registered remote agent named `name` (a held remote agent too). */
  async #target(name: string): Promise<(ProxyTarget & { kind: 'local' }) | RemoteTarget | undefined> {
    const runtime = this.runtimes.get(name);
    if (runtime) return { kind: 'local', name, runtime };
    const agent = await this.registry.find(name);
    if (!agent) return undefined;
    return {
      kind: 'remote',
      name,
      client: this.#client(agent),
      skills: agent.card.skills,
      extendedCard: undefined,
      registered: agent,
    };
  }

  #client(agent: RegisteredAgent): RemoteAgentClient {
    const rpc =
      agent.card.supportedInterfaces.find(
        (i) => i.protocolBinding.toUpperCase() === 'JSONRPC' && i.protocolVersion.startsWith('1.'),
      ) ?? agent.card.supportedInterfaces.find((i) => i.protocolBinding.toUpperCase() === 'JSONRPC');
    if (!rpc)
      throw new ParleyError('ERR_A2A_NO_INTERFACE', `agent ${agent.name} offers no JSON-RPC interface`, {
        status: 502,
      });
    return new RemoteAgentClient({
      url: rpc.url,
      fetch: this.#o.streamFetch,
      authorization: async (context) =>
        context.caller ? `Bearer ${await this.#o.pipeline.credentialFor(context.caller, rpc.url)}` : undefined,
    });
  }

  #localCard(agent: AgentDefinition): Promise<AgentCard> {
    const url = this.agentUrl(agent.name);
    const card = buildAgentCard(agent, { url, authorizationServer: this.#authServer, pushNotifications: true });
    return this.#signer.sign(agent.name, card, `${url}${AGENT_JWKS_PATH}`);
  }

  #remoteCard(agent: RegisteredAgent): Promise<AgentCard> {
    const url = this.agentUrl(agent.name);
    const {
      signatures: _signatures,
      securitySchemes: _schemes,
      securityRequirements: _requirements,
      ...rest
    } = agent.card;
    const card: AgentCard = {
      ...rest,
      supportedInterfaces: agentInterfaces(url),
      capabilities: { ...rest.capabilities, extendedAgentCard: false },
      ...parleySecurity(this.#authServer),
    };
    return this.#signer.sign(PROXY_KEY, card, `${url}${AGENT_JWKS_PATH}`);
  }
}
