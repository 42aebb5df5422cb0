import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { ResourceRegistry } from '../resources/resource-registry.ts';
import type { InteractionPages } from './interactions.ts';

/** Paths the authorization server answers, for the server to route to {@link createOAuthHttpHandler}. */
export const OAUTH_PATH_PREFIXES = [
  '/oauth/',
  '/.well-known/openid-configuration',
  '/.well-known/oauth-authorization-server',
  '/.well-known/oauth-protected-resource',
];

/**
 * One node `(req, res)` handler for every authorization-server path: our own
 * interaction pages, RFC 9728 protected-resource metadata, RFC 8414 metadata
 * (the OpenID discovery document), and oidc-provider for the rest.
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3
 * @see https://www.rfc-editor.org/rfc/rfc9728#section-3
 */
export function createOAuthHttpHandler(options: {
  baseUrl: string;
  provider: () => Provider;
  pages: InteractionPages;
  resources: ResourceRegistry;
}): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const callbacks = new WeakMap<Provider, ReturnType<Provider['callback']>>();
  return async (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path.startsWith('/oauth/interaction/')) {
      if (await options.pages.handle(req, res, path)) return;
    }
    if (path.startsWith('/.well-known/oauth-protected-resource')) {
      protectedResourceMetadata(req, res, path, options);
      return;
    }
    if (path === '/.well-known/oauth-authorization-server') {
      req.url = `/.well-known/openid-configuration${(req.url ?? '').slice(path.length)}`;
    }
    const provider = options.provider();
    let callback = callbacks.get(provider);
    if (!callback) {
      callback = provider.callback();
      callbacks.set(provider, callback);
    }
    await callback(req, res);
  };
}

function protectedResourceMetadata(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  options: { baseUrl: string; resources: ResourceRegistry },
): void {
  const resourcePath = path.slice('/.well-known/oauth-protected-resource'.length);
  const resource = options.resources.find(`${options.baseUrl}${resourcePath}`);
  if (req.method !== 'GET' || !resource) {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 'ERR_NOT_FOUND', message: 'no such protected resource' } }));
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=300' });
  res.end(
    JSON.stringify({
      resource: resource.url,
      authorization_servers: [options.baseUrl],
      bearer_methods_supported: ['header'],
      ...(resource.scopes ? { scopes_supported: resource.scopes } : {}),
      ...(resource.name ? { resource_name: resource.name } : {}),
      dpop_signing_alg_values_supported: ['ES256', 'EdDSA', 'RS256', 'PS256'],
    }),
  );
}
