import {
  type Caller,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  type RequestPipeline,
  ValidationError,
} from '@parley/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isHttpUpstream, type UpstreamDefinition } from '../upstream/definition.ts';
import { credentialUserOf, type UserCredentialStore } from '../user-credentials/user-credential-store.ts';

const userName = z.string().min(1).max(256);
const setBody = z.strictObject({ value: z.string().min(1).max(16_384), user: userName.optional() });
const userQuery = z.strictObject({ user: userName.optional() });

/** Where a user sets their own credential for `server` (named in the "no credential" error). */
export function credentialsPath(server: string): string {
  return `/api/mcp/servers/${encodeURIComponent(server)}/credentials`;
}

/**
 * `PUT|GET|DELETE /api/mcp/servers/:name/credentials`: a user's own credential
 * for a `per-user` upstream. Callers manage their own (the user they act for);
 * administrators may name another `user`. The value is never returned.
 */
export function registerCredentialRoutes(
  app: FastifyInstance,
  options: {
    baseUrl: string;
    pipeline: RequestPipeline;
    credentials: UserCredentialStore;
    definitionOf: (server: string) => UpstreamDefinition | undefined;
    onChange?: (caller: Caller, action: 'credentials/set' | 'credentials/clear', server: string, user: string) => void;
  },
): void {
  const { credentials, pipeline } = options;
  const authenticate = (request: FastifyRequest): Promise<Caller> => {
    const url = `${options.baseUrl}/api`;
    return pipeline.authenticate({ method: request.method, url, headers: request.headers }, { url });
  };
  const perUserServer = (request: FastifyRequest): string => {
    const server = (request.params as { name: string }).name;
    const definition = options.definitionOf(server);
    if (!definition) throw new NotFoundError(`server ${server}`);
    if (!isHttpUpstream(definition) || definition.auth.type !== 'per-user') {
      throw new ConflictError(`server ${server} does not take per-user credentials (its auth is not per-user)`);
    }
    return server;
  };
  const targetUser = (caller: Caller, named: string | undefined): string => {
    const own = credentialUserOf(caller);
    if (named !== undefined && named !== own) {
      if (!caller.roles.includes('admin'))
        throw new ForbiddenError("administrator role required for another user's credential");
      return named;
    }
    if (own === undefined) throw new ValidationError('the caller acts for no user: name one with `user`');
    return own;
  };
  const parse = <T>(schema: z.ZodType<T>, input: unknown): T => {
    const parsed = schema.safeParse(input ?? {});
    if (!parsed.success) {
      throw new ValidationError(
        'invalid request',
        parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
      );
    }
    return parsed.data;
  };

  app.put('/api/mcp/servers/:name/credentials', async (request) => {
    const caller = await authenticate(request);
    const server = perUserServer(request);
    const body = parse(setBody, request.body);
    const user = targetUser(caller, body.user);
    const status = await credentials.set(server, user, body.value);
    options.onChange?.(caller, 'credentials/set', server, user);
    return status;
  });

  app.get('/api/mcp/servers/:name/credentials', async (request) => {
    const caller = await authenticate(request);
    const server = perUserServer(request);
    return credentials.status(server, targetUser(caller, parse(userQuery, request.query).user));
  });

  app.delete('/api/mcp/servers/:name/credentials', async (request, reply) => {
    const caller = await authenticate(request);
    const server = perUserServer(request);
    const named = parse(userQuery, { ...(request.query as object), ...(request.body as object | undefined) }).user;
    const user = targetUser(caller, named);
    if (!(await credentials.clear(server, user))) throw new NotFoundError(`credential of ${user} for ${server}`);
    options.onChange?.(caller, 'credentials/clear', server, user);
    return reply.status(204).send();
  });
}
