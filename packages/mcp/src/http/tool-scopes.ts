import type { Federation } from '../gateway/federation.ts';

/**
 * The scopes a request's `tools/call` needs, from its server's `toolScopes`
 * (`*` and the tool's own name): handed to `authenticate`, which answers a
 * token without them with 403 `insufficient_scope` naming just these (step-up).
 * Any other request, and a tool the gateway does not know, needs none here
 * (policy and the call itself refuse what is not allowed).
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization#scope-challenge-handling
 */
export function scopesFor(federation: Federation, body: unknown, virtualServer: string | undefined): string[] {
  const messages = Array.isArray(body) ? body : [body];
  const scopes = new Set<string>();
  for (const message of messages) {
    const { method, params } = (message ?? {}) as { method?: unknown; params?: { name?: unknown } };
    if (method !== 'tools/call' || typeof params?.name !== 'string') continue;
    const found = federation.findTool(params.name, virtualServer);
    if (!found) continue;
    const toolScopes = found.upstream.definition.toolScopes ?? {};
    for (const scope of [...(toolScopes['*'] ?? []), ...(toolScopes[found.tool.name] ?? [])]) scopes.add(scope);
  }
  return [...scopes];
}
