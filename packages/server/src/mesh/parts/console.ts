import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { SpanStore } from '@parley/audit';
import { CONSOLE_CLIENT_ID, CONSOLE_PATH, consoleDistDir } from '@parley/console';
import type { IdentityService } from '@parley/identity';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { consoleRoutes } from '../../api/console-routes.ts';
import type { MeshContext, MeshPart } from '../part.ts';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** The SPA talks to its own origin only; the authorization server's pages are same-origin too. */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/** What the SPA needs to sign in; served at `/console/config.json`. */
export interface ConsoleConfig {
  readonly issuer: string;
  readonly clientId: string;
  readonly redirectUri: string;
  /** Where the authorization server's sign-out returns to: the console's sign-in page. */
  readonly postLogoutRedirectUri: string;
  /** The RFC 8707 resource the console's access token is for: the admin API. */
  readonly resource: string;
}

/**
 * Registers the console as a public OAuth client (authorization code + PKCE,
 * no secret), with exactly one redirect URI. Idempotent, so every replica and
 * every restart may do it.
 */
async function registerConsoleClient(context: MeshContext, config: ConsoleConfig): Promise<void> {
  const identity = context.services.get('identity') as IdentityService | undefined;
  if (!identity) throw new Error('the console needs the identity service, which no earlier part published');
  await identity.registerFirstPartyClient({
    clientId: CONSOLE_CLIENT_ID,
    clientName: 'Parley console',
    // Refresh tokens (rotated, reuse revokes the grant) keep a console open past one access token's life.
    grantTypes: ['authorization_code', 'refresh_token'],
    redirectUris: [config.redirectUri],
    postLogoutRedirectUris: [config.postLogoutRedirectUri],
    tokenEndpointAuthMethod: 'none',
  });
}

/** Resolves a request path under `/console/` to a file in the build, or undefined (never outside it). */
function fileFor(urlPath: string): string | undefined {
  const relative = decodeURIComponent(urlPath.slice(CONSOLE_PATH.length).replace(/^\/+/, ''));
  if (relative === '' || relative.includes('\0')) return undefined;
  const path = normalize(join(consoleDistDir, relative));
  if (!path.startsWith(consoleDistDir.endsWith(sep) ? consoleDistDir : consoleDistDir + sep)) return undefined;
  return existsSync(path) && extname(path) !== '' ? path : undefined;
}

async function sendFile(reply: FastifyReply, path: string, cacheControl: string) {
  const body = await readFile(path);
  return reply
    .headers(SECURITY_HEADERS)
    .header('content-type', CONTENT_TYPES[extname(path)] ?? 'application/octet-stream')
    .header('cache-control', cacheControl)
    .send(body);
}

/**
 * The console: the React single-page app under `/console` (hashed assets
 * cached for a year, `index.html` never, deep links such as
 * `/console/approvals/<id>` answered with the app), its OAuth client, and the
 * console's small read API (`/api/console/*`). Needs `identity`; uses `spans`.
 */
export const consolePart: MeshPart = {
  name: 'console',
  async start(context) {
    const { app, baseUrl } = context;
    const config: ConsoleConfig = {
      issuer: baseUrl,
      clientId: CONSOLE_CLIENT_ID,
      redirectUri: `${baseUrl}${CONSOLE_PATH}/callback`,
      postLogoutRedirectUri: `${baseUrl}${CONSOLE_PATH}`,
      resource: `${baseUrl}/api`,
    };
    await registerConsoleClient(context, config);
    const indexHtml = join(consoleDistDir, 'index.html');
    const built = existsSync(indexHtml);
    if (!built)
      context.logger.warn({ dir: consoleDistDir }, 'the console is not built: npm run build -w @parley/console');

    const serve = async (request: FastifyRequest, reply: FastifyReply) => {
      const urlPath = request.url.split('?')[0] ?? '';
      if (urlPath === `${CONSOLE_PATH}/config.json`) {
        return reply.header('cache-control', 'no-cache').send(config);
      }
      if (!existsSync(indexHtml)) {
        return reply
          .status(503)
          .type('text/plain; charset=utf-8')
          .send('The Parley console is not built. Run `npm run build -w @parley/console` (npm install does it too).\n');
      }
      const file = fileFor(urlPath);
      if (file) {
        const immutable = file.startsWith(join(consoleDistDir, 'assets') + sep);
        return sendFile(reply, file, immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      }
      // A missing asset is a 404; anything else is a client-side route of the SPA.
      if (urlPath.startsWith(`${CONSOLE_PATH}/assets/`) || extname(urlPath) !== '') {
        return reply.status(404).send({ error: { code: 'ERR_NOT_FOUND', message: `no such file ${urlPath}` } });
      }
      return sendFile(reply, indexHtml, 'no-cache');
    };
    app.get(CONSOLE_PATH, serve);
    app.get(`${CONSOLE_PATH}/*`, serve);
    const spans = context.services.get('spans') as SpanStore | undefined;
    if (spans) {
      void app.register(consoleRoutes, {
        spans,
        store: context.store,
        services: context.services,
        bus: context.bus,
        clock: context.clock,
        resourceUrl: config.resource,
      });
    }
    return { banner: [{ label: 'Console', value: `${baseUrl}${CONSOLE_PATH}${built ? '' : ' (not built)'}` }] };
  },
};
