import { parseDuration } from '@parley/config';
import { AuthenticationError, ForbiddenError, InsufficientScopeError, ValidationError } from '@parley/core';
import { describeApiKey, describePrincipal, type IdentityService } from '@parley/identity';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parseInput } from './parse-input.ts';

export interface IdentityAdminOptions {
  identity: IdentityService;
  /** The admin API's resource URL (`<base>/admin`), the audience callers present. */
  resourceUrl: string;
}

const name = z.string().regex(/^[a-z][a-z0-9._-]{0,62}$/, 'must be lowercase letters, digits, ., -, _');
const createUser = z.strictObject({
  username: name,
  password: z.string().min(8, 'must be at least 8 characters').optional(),
  roles: z.array(z.string().min(1)).default([]),
});
const createAgent = z.strictObject({
  name,
  authMethod: z.enum(['private_key_jwt', 'client_secret_basic']).default('private_key_jwt'),
  roles: z.array(z.string().min(1)).default([]),
});
const createKey = z.strictObject({
  principal: name,
  scopes: z.array(z.string().min(1)).default([]),
  resources: z.array(z.string().url('must be a URL')).default([]),
  expires: z
    .string()
    .refine((v) => parseDuration(v) !== undefined, 'must be a duration such as 30s, 5m, 12h or 30d')
    .optional(),
});
const nameParams = z.strictObject({ name });
const idParams = z.strictObject({ id: z.string().min(1) });
const revokeToken = z.strictObject({ token: z.string().min(1) });

/** An absent body is validated as `{}`, so its required fields are named. */
const parse = <S extends z.ZodType>(schema: S, value: unknown): z.output<S> => parseInput(schema, value ?? {});

/**
 * The identity admin API (role `admin` only): users, agents, API keys,
 * signing-key rotation, token revocation.
 */
export async function identityAdminRoutes(app: FastifyInstance, options: IdentityAdminOptions): Promise<void> {
  const { identity, resourceUrl } = options;
  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      const caller = await identity.authenticate(
        { method: request.method, url: request.url, headers: request.headers },
        { url: resourceUrl },
      );
      if (!caller.roles.includes('admin')) throw new ForbiddenError('the admin API is for administrators only');
    } catch (error) {
      if (error instanceof AuthenticationError || error instanceof InsufficientScopeError) {
        void reply.header('www-authenticate', error.challenge);
      }
      throw error;
    }
  });

  app.post('/admin/users', async (request, reply) => {
    const body = parse(createUser, request.body);
    const created = await identity.createUser({
      username: body.username,
      roles: body.roles,
      ...(body.password ? { password: body.password } : {}),
    });
    void reply.status(201);
    return { ...describePrincipal(mustPrincipal(identity, created.username)), password: created.password };
  });
  app.get('/admin/users', async () => ({ users: identity.directory.principals('user').map(describePrincipal) }));
  app.post('/admin/users/:name/disable', async (request) => {
    const { name: username } = parse(nameParams, request.params);
    return describePrincipal(await identity.setDisabled(username, 'user', true));
  });
  app.post('/admin/users/:name/enable', async (request) => {
    const { name: username } = parse(nameParams, request.params);
    return describePrincipal(await identity.setDisabled(username, 'user', false));
  });

  app.post('/admin/agents', async (request, reply) => {
    const body = parse(createAgent, request.body);
    const created = await identity.createAgent({ name: body.name, authMethod: body.authMethod, roles: body.roles });
    void reply.status(201);
    return created;
  });
  app.get('/admin/agents', async () => ({ agents: identity.directory.principals('agent').map(describePrincipal) }));
  app.post('/admin/agents/:name/disable', async (request) => {
    const { name: agent } = parse(nameParams, request.params);
    return describePrincipal(await identity.setDisabled(agent, 'agent', true));
  });
  app.post('/admin/agents/:name/enable', async (request) => {
    const { name: agent } = parse(nameParams, request.params);
    return describePrincipal(await identity.setDisabled(agent, 'agent', false));
  });

  app.post('/admin/keys', async (request, reply) => {
    const body = parse(createKey, request.body);
    const expiresInMs = body.expires === undefined ? undefined : parseDuration(body.expires);
    const { key, record } = await identity.createApiKey({
      principal: body.principal,
      scopes: body.scopes,
      resources: body.resources,
      ...(expiresInMs === undefined ? {} : { expiresInMs }),
    });
    void reply.status(201);
    return { ...describeApiKey(record), key };
  });
  app.get('/admin/keys', async () => ({ keys: identity.directory.apiKeys().map(describeApiKey) }));
  app.post('/admin/keys/:id/revoke', async (request) => {
    const { id } = parse(idParams, request.params);
    return describeApiKey(await identity.revokeApiKey(id));
  });

  app.post('/admin/signing-keys/rotate', async () => identity.rotateSigningKeys());
  app.get('/admin/signing-keys', async () => ({
    keys: identity.keys.keys.map((k) => ({
      kid: k.kid,
      createdAt: new Date(k.createdAt).toISOString(),
      retiredAt: k.retiredAt === null ? null : new Date(k.retiredAt).toISOString(),
    })),
  }));
  app.post('/admin/tokens/revoke', async (request) => {
    const { token } = parse(revokeToken, request.body);
    return { revoked: await identity.revokeAccessToken(token) };
  });
}

function mustPrincipal(identity: IdentityService, username: string) {
  const principal = identity.directory.principal(username);
  if (!principal) throw new ValidationError(`user ${username} vanished`);
  return principal;
}
