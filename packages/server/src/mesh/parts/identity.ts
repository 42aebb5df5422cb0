import { toolScopesOf } from '@parley/config';
import { createGuardedFetch, type GuardedFetch, toFetch } from '@parley/core';
import {
  DEV_ADMIN_USER,
  DEV_CREDENTIALS_FILE,
  ensureBootstrapAdmin,
  IdentityService,
  OAUTH_PATH_PREFIXES,
  seedDevIdentities,
} from '@parley/identity';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { identityAdminRoutes } from '../../api/identity-admin.ts';
import { ADMIN_KEY_FILE } from '../../cli/api-client.ts';
import type { MeshPart } from '../part.ts';

/**
 * Identity: the embedded authorization server under `/oauth/*` and the
 * well-known metadata, the identity admin API under `/admin/*`, the bootstrap
 * admin key, and in `dev` mode the demo user and agents. Publishes
 * `authenticate` (RequestPipeline['authenticate']) and `identity` (IdentityService).
 */
export const identityPart: MeshPart = {
  name: 'identity',
  async start(context) {
    const { config, store, bus, clock, logger, app, services, baseUrl, dataDir } = context;
    // Client metadata documents and external JWKS go through the guarded client.
    const outbound = services.get('outbound') as GuardedFetch | undefined;
    const fetch = toFetch(outbound ?? createGuardedFetch(config.outbound));
    const identity = await IdentityService.start({
      baseUrl,
      store,
      bus,
      clock,
      logger: logger.child({ part: 'identity' }),
      settings: config.identity,
      fetch,
      trustProxy: config.server.trustProxy,
      resourceScopes: toolScopesOf(config.mcp.servers),
    });
    const forward = async (request: FastifyRequest, reply: FastifyReply) => {
      reply.hijack();
      await identity.handle(request.raw, reply.raw);
    };
    for (const prefix of OAUTH_PATH_PREFIXES) {
      const url = prefix.endsWith('/') ? `${prefix}*` : prefix;
      // Forwarded in onRequest, before Fastify reads the body: oidc-provider parses its own.
      app.route({
        method: ['GET', 'POST', 'OPTIONS', 'DELETE', 'PUT'],
        url,
        onRequest: forward,
        handler: async () => {},
      });
      if (prefix === '/.well-known/oauth-protected-resource') {
        app.route({ method: ['GET'], url: `${prefix}/*`, onRequest: forward, handler: async () => {} });
      }
    }
    void app.register(identityAdminRoutes, { identity, resourceUrl: `${baseUrl}/admin` });
    const admin = await ensureBootstrapAdmin(identity, dataDir, ADMIN_KEY_FILE);
    const banner = [{ label: 'OAuth', value: `${baseUrl}/.well-known/oauth-authorization-server` }];
    if (context.mode === 'dev') {
      const credentials = await seedDevIdentities(identity, dataDir);
      for (const user of credentials.users) {
        const admin = user.username === DEV_ADMIN_USER ? ' (admin, for the console)' : '';
        banner.push({ label: 'User', value: `${user.username} / ${user.password}${admin}` });
      }
      banner.push({ label: 'Credentials', value: `${dataDir}/${DEV_CREDENTIALS_FILE}` });
    }
    if (admin.createdKey) banner.push({ label: 'Admin key', value: admin.keyFile });
    services.set('identity', identity);
    services.set('authenticate', identity.authenticate);
    return {
      banner,
      async stop() {
        await identity.stop();
      },
    };
  },
};
