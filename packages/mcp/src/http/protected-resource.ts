import type { FastifyInstance } from 'fastify';
import type { Federation } from '../gateway/federation.ts';

/**
 * RFC 9728 protected-resource metadata for `/mcp` and each `/mcp/<vs>`, at the
 * path-aware well-known URL, naming Parley (the issuer) as the authorization server.
 * @see https://www.rfc-editor.org/rfc/rfc9728#section-3.1
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization#authorization-server-discovery
 */
export function registerProtectedResourceMetadata(
  app: FastifyInstance,
  options: { baseUrl: string; issuer: string; scopesSupported: readonly string[]; federation: Federation },
): void {
  const metadata = (path: string) => ({
    resource: `${options.baseUrl}${path}`,
    authorization_servers: [options.issuer],
    scopes_supported: [...options.scopesSupported],
    bearer_methods_supported: ['header'],
    resource_name: path === '/mcp' ? 'Parley MCP gateway' : `Parley MCP gateway (${path.slice('/mcp/'.length)})`,
  });
  app.get('/.well-known/oauth-protected-resource/mcp', async (_request, reply) =>
    reply.header('cache-control', 'public, max-age=300').send(metadata('/mcp')),
  );
  app.get('/.well-known/oauth-protected-resource/mcp/:vs', async (request, reply) => {
    const { vs } = request.params as { vs: string };
    if (!options.federation.hasVirtualServer(vs)) {
      return reply.status(404).send({ error: { code: 'ERR_NOT_FOUND', message: `no MCP server at /mcp/${vs}` } });
    }
    return reply.header('cache-control', 'public, max-age=300').send(metadata(`/mcp/${vs}`));
  });
}

/** Where the metadata of the resource at `resourceUrl` lives (path-aware form). */
export function protectedResourceMetadataUrl(resourceUrl: string): string {
  const url = new URL(resourceUrl);
  return `${url.origin}/.well-known/oauth-protected-resource${url.pathname === '/' ? '' : url.pathname}`;
}
