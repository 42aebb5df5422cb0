import type { Prompt, Resource, ResourceTemplateType as ResourceTemplate, Tool } from '@modelcontextprotocol/client';
import { UriTemplate } from '@modelcontextprotocol/client';
import { type Clock, ConflictError, type Logger, NotFoundError } from '@parley/core';
import { namespacePrefix, stripPrefix } from '../names.ts';
import type { ToolPins } from '../pinning/tool-pins.ts';
import type { UpstreamDefinition } from '../upstream/definition.ts';
import { type CatalogKind, Upstream, type UpstreamOptions } from '../upstream/upstream.ts';
import type { LocalTool, LocalToolProvider } from './local-tools.ts';

/** A configured subset of the federated tools, served at `/mcp/<name>`. */
export interface VirtualServer {
  readonly name: string;
  /** `<server>.<tool>` (upstream names) or `<server>.*`. */
  readonly tools: readonly string[];
}

/** A tool as the gateway exposes it. */
export interface ExposedTool {
  readonly name: string;
  readonly upstream: Upstream;
  readonly tool: Tool;
}

/** A built-in tool as the gateway exposes it: `<server>.<tool>`. */
export interface ExposedLocalTool {
  readonly name: string;
  readonly server: string;
  readonly tool: LocalTool;
}

export interface FederationOptions {
  readonly pins: ToolPins;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly virtualServers: readonly VirtualServer[];
  readonly upstreamOptions: (
    definition: UpstreamDefinition,
  ) => Omit<UpstreamOptions, 'definition' | 'onCatalogChange' | 'onResourceUpdated' | 'clock' | 'logger'>;
  /** Called when a tool's definition no longer matches its pin. */
  readonly onQuarantine: (server: string, tool: string) => void;
  /** Called after a change of what callers may list (after pinning). */
  readonly onListChanged: (kind: CatalogKind) => void;
  /** Called when an upstream reports that a resource changed. */
  readonly onResourceUpdated?: (uri: string) => void;
}

/**
 * The upstreams and the one namespaced catalog they make: `<prefix><tool>`,
 * quarantined tools left out, virtual servers as subsets.
 */
export class Federation {
  readonly #options: FederationOptions;
  readonly #upstreams = new Map<string, { upstream: Upstream; source: 'config' | 'api' }>();
  readonly #local = new Map<string, LocalToolProvider>();
  readonly #virtual: Map<string, VirtualServer>;

  constructor(options: FederationOptions) {
    this.#options = options;
    this.#virtual = new Map(options.virtualServers.map((vs) => [vs.name, vs]));
  }

  hasVirtualServer(name: string): boolean {
    return this.#virtual.has(name);
  }

  /** Adds and connects an upstream; its tools are pinned before anyone sees them. */
  async add(definition: UpstreamDefinition, source: 'config' | 'api'): Promise<Upstream> {
    if (this.#upstreams.has(definition.name) || this.#local.has(definition.name)) {
      throw new ConflictError(`server ${definition.name} already exists`);
    }
    const upstream = new Upstream({
      ...this.#options.upstreamOptions(definition),
      definition,
      clock: this.#options.clock,
      logger: this.#options.logger,
      onCatalogChange: (changed, kind) => this.#catalogChanged(changed, kind),
      onResourceUpdated: (from, uri) => {
        if (this.#upstreams.get(from.name)?.upstream === from) this.#options.onResourceUpdated?.(uri);
      },
    });
    this.#upstreams.set(definition.name, { upstream, source });
    await upstream.start();
    return upstream;
  }

  /** Adds built-in tools under `provider.server`, a name no upstream may take. */
  addLocal(provider: LocalToolProvider): void {
    if (this.#upstreams.has(provider.server) || this.#local.has(provider.server)) {
      throw new ConflictError(`server ${provider.server} already exists`);
    }
    this.#local.set(provider.server, provider);
    this.#options.onListChanged('tools');
  }

  hasServer(name: string): boolean {
    return this.#upstreams.has(name) || this.#local.has(name);
  }

  async remove(name: string): Promise<'config' | 'api'> {
    const entry = this.#upstreams.get(name);
    if (!entry) throw new NotFoundError(`server ${name}`);
    this.#upstreams.delete(name);
    await entry.upstream.stop();
    for (const kind of ['tools', 'resources', 'prompts'] as const) this.#options.onListChanged(kind);
    return entry.source;
  }

  get(name: string): Upstream | undefined {
    return this.#upstreams.get(name)?.upstream;
  }

  list(): Array<{ upstream: Upstream; source: 'config' | 'api' }> {
    return [...this.#upstreams.values()];
  }

  async stop(): Promise<void> {
    await Promise.all([...this.#upstreams.values()].map(({ upstream }) => upstream.stop()));
    this.#upstreams.clear();
  }

  /** Tools callers may list: accepted definitions only, within the virtual server. */
  tools(virtualServer?: string): ExposedTool[] {
    const out: ExposedTool[] = [];
    for (const { upstream } of this.#upstreams.values()) {
      const prefix = namespacePrefix(upstream.name, upstream.definition.prefix);
      for (const tool of upstream.catalog.tools) {
        if (!this.#inVirtual(virtualServer, upstream.name, tool.name)) continue;
        if (!this.#options.pins.isAccepted(upstream.name, tool)) continue;
        out.push({ name: `${prefix}${tool.name}`, upstream, tool });
      }
    }
    return out;
  }

  /** Built-in tools, within the virtual server. */
  localTools(virtualServer?: string): ExposedLocalTool[] {
    return [...this.#local.values()].flatMap((provider) =>
      provider.tools
        .filter((tool) => this.#inVirtual(virtualServer, provider.server, tool.name))
        .map((tool) => ({ name: `${provider.server}.${tool.name}`, server: provider.server, tool })),
    );
  }

  findLocalTool(name: string, virtualServer?: string): ExposedLocalTool | undefined {
    // Asked on every call: matched without listing every local tool first.
    for (const provider of this.#local.values()) {
      const local = stripPrefix(name, `${provider.server}.`);
      const tool = local === undefined ? undefined : provider.tools.find((t) => t.name === local);
      if (tool && this.#inVirtual(virtualServer, provider.server, tool.name))
        return { name, server: provider.server, tool };
    }
    return undefined;
  }

  /** Resolves an exposed tool name, quarantined ones included (so a call can be refused with the reason). */
  findTool(name: string, virtualServer?: string): (ExposedTool & { quarantined: boolean }) | undefined {
    for (const { upstream } of this.#upstreams.values()) {
      const local = stripPrefix(name, namespacePrefix(upstream.name, upstream.definition.prefix));
      if (local === undefined) continue;
      const tool = upstream.catalog.tools.find((t) => t.name === local);
      if (!tool || !this.#inVirtual(virtualServer, upstream.name, tool.name)) continue;
      return { name, upstream, tool, quarantined: !this.#options.pins.isAccepted(upstream.name, tool) };
    }
    return undefined;
  }

  prompts(virtualServer?: string): Array<{ name: string; upstream: Upstream; prompt: Prompt }> {
    return this.#servers(virtualServer).flatMap((upstream) => {
      const prefix = namespacePrefix(upstream.name, upstream.definition.prefix);
      return upstream.catalog.prompts.map((prompt) => ({ name: `${prefix}${prompt.name}`, upstream, prompt }));
    });
  }

  findPrompt(name: string, virtualServer?: string): { upstream: Upstream; prompt: Prompt } | undefined {
    for (const upstream of this.#servers(virtualServer)) {
      const local = stripPrefix(name, namespacePrefix(upstream.name, upstream.definition.prefix));
      const prompt = local === undefined ? undefined : upstream.catalog.prompts.find((p) => p.name === local);
      if (prompt) return { upstream, prompt };
    }
    return undefined;
  }

  /** Resources keep their URIs (they are already globally unique); their names are namespaced. */
  resources(virtualServer?: string): Array<{ upstream: Upstream; resource: Resource }> {
    return this.#servers(virtualServer).flatMap((upstream) =>
      upstream.catalog.resources.map((resource) => ({ upstream, resource })),
    );
  }

  resourceTemplates(virtualServer?: string): Array<{ upstream: Upstream; template: ResourceTemplate }> {
    return this.#servers(virtualServer).flatMap((upstream) =>
      upstream.catalog.resourceTemplates.map((template) => ({ upstream, template })),
    );
  }

  /** The upstream serving `uri`: a listed resource, else the first template that matches. */
  findResource(uri: string, virtualServer?: string): { upstream: Upstream; name: string } | undefined {
    const servers = this.#servers(virtualServer);
    for (const upstream of servers) {
      const resource = upstream.catalog.resources.find((r) => r.uri === uri);
      if (resource) return { upstream, name: resource.name };
    }
    for (const upstream of servers) {
      for (const template of upstream.catalog.resourceTemplates) {
        if (new UriTemplate(template.uriTemplate).match(uri)) return { upstream, name: template.name };
      }
    }
    return undefined;
  }

  #servers(virtualServer: string | undefined): Upstream[] {
    const all = [...this.#upstreams.values()].map((entry) => entry.upstream);
    const vs = virtualServer === undefined ? undefined : this.#virtual.get(virtualServer);
    if (!vs) return all;
    const names = new Set(vs.tools.map((entry) => entry.split('.')[0]));
    return all.filter((upstream) => names.has(upstream.name));
  }

  #inVirtual(virtualServer: string | undefined, server: string, tool: string): boolean {
    if (virtualServer === undefined) return true;
    const vs = this.#virtual.get(virtualServer);
    if (!vs) return false;
    return vs.tools.includes(`${server}.${tool}`) || vs.tools.includes(`${server}.*`);
  }

  async #catalogChanged(upstream: Upstream, kind: CatalogKind): Promise<void> {
    if (kind === 'tools') {
      try {
        const verdicts = await this.#options.pins.pinToolDefinitions(upstream.name, upstream.catalog.tools);
        for (const [tool, verdict] of verdicts) {
          if (verdict === 'quarantined') {
            this.#options.logger.warn({ upstream: upstream.name, tool }, 'tool definition changed; quarantined');
            this.#options.onQuarantine(upstream.name, tool);
          }
        }
      } catch (error) {
        this.#options.logger.error({ upstream: upstream.name, err: error }, 'pinning tool definitions failed');
      }
    }
    if (this.#upstreams.get(upstream.name)?.upstream === upstream) this.#options.onListChanged(kind);
  }
}
