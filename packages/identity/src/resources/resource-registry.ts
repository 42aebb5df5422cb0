/** A protected resource (RFC 8707 resource indicator) Parley issues tokens for. */
export interface ProtectedResource {
  readonly url: string;
  readonly name?: string;
  /** Scopes a token for this resource may carry; absent: whatever the client may request. */
  readonly scopes?: readonly string[];
  /**
   * OAuth clients that serve this resource and so may exchange tokens whose
   * audience it is (RFC 8693 "may act for the subject").
   */
  readonly servedBy?: readonly string[];
}

/**
 * The OAuth client the mesh's own gateway (MCP front door, A2A proxy) acts as:
 * it serves every built-in `/mcp` and `/a2a` resource, so it may exchange the
 * tokens callers present there for next-hop tokens.
 */
export const GATEWAY_CLIENT_ID = 'parley-gateway';

/**
 * The resources Parley protects: `<base>/mcp`, `<base>/mcp/<virtual-server>`,
 * `<base>/a2a/<agent>`, the admin APIs `<base>/admin` and `<base>/api`, and whatever the other parts register.
 * @see https://www.rfc-editor.org/rfc/rfc8707#section-2
 */
export class ResourceRegistry {
  readonly #baseUrl: string;
  readonly #registered = new Map<string, ProtectedResource>();

  constructor(baseUrl: string) {
    this.#baseUrl = baseUrl;
  }

  /** Declares (or redeclares) a resource. */
  register(resource: ProtectedResource): void {
    this.#registered.set(normalize(resource.url), { ...resource, url: normalize(resource.url) });
  }

  /** The resource for an indicator, or undefined when Parley does not protect it. */
  find(url: string): ProtectedResource | undefined {
    const key = normalize(url);
    const registered = this.#registered.get(key);
    if (registered) return registered;
    if (!key.startsWith(`${this.#baseUrl}/`)) return undefined;
    const path = key.slice(this.#baseUrl.length);
    if (path === '/admin' || path === '/api') return { url: key };
    if (path === '/mcp' || /^\/mcp\/[A-Za-z0-9._~-]+$/.test(path)) return { url: key, servedBy: [GATEWAY_CLIENT_ID] };
    const agent = /^\/a2a\/([A-Za-z0-9._~-]+)$/.exec(path);
    if (agent?.[1]) return { url: key, name: agent[1], servedBy: [agent[1], GATEWAY_CLIENT_ID] };
    return undefined;
  }

  list(): ProtectedResource[] {
    return [...this.#registered.values()];
  }

  /** Whether `clientId` serves `url` (tokens for it may be exchanged by that client). */
  isServedBy(url: string, clientId: string): boolean {
    return this.find(url)?.servedBy?.includes(clientId) ?? false;
  }
}

function normalize(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.hash = '';
    return parsed.href.replace(/\/+$/, '');
  } catch {
    return url;
  }
}
