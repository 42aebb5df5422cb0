import { ForbiddenError, isParleyError, type RequestPipeline, ValidationError } from '@parley/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { A2AService } from '../a2a-service.ts';

const registerBody = z.object({
  url: z.url({ protocol: /^https?$/ }),
  name: z.string().optional(),
  jwks: z.object({ keys: z.array(z.record(z.string(), z.unknown())).min(1) }).optional(),
  /** Re-register an existing name: its new card and keys are held until accepted. */
  replace: z.boolean().optional(),
});

/**
 * `GET /a2a` (the cards a caller may see) and the registry's admin API
 * (`/api/a2a/agents`, callers with the `admin` role).
 */
export async function registryRoutes(
  app: FastifyInstance,
  options: { service: A2AService; pipeline: RequestPipeline; baseUrl: string },
): Promise<void> {
  const { service, pipeline, baseUrl } = options;
  const authenticate = (request: FastifyRequest, url: string) =>
    pipeline.authenticate(
      { method: request.method, url: `${baseUrl}${request.url}`, headers: request.headers },
      { url },
    );
  const admin = async (request: FastifyRequest) => {
    const caller = await authenticate(request, `${baseUrl}/api`);
    if (!caller.roles.includes('admin')) throw new ForbiddenError('the A2A registry is for administrators');
    return caller;
  };
  // Auth errors carry their challenge; the server's error handler renders the status.
  app.addHook('onError', async (_request, reply, error) => {
    const challenge = (error as { challenge?: unknown }).challenge;
    if (isParleyError(error) && typeof challenge === 'string') void reply.header('www-authenticate', challenge);
  });

  app.get('/a2a', async (request) => {
    const caller = await authenticate(request, `${baseUrl}/a2a`);
    const agents = (await service.listAgents()).filter((agent) => agent.status === 'active');
    const allowed = await pipeline.permitted(
      caller,
      agents.map((agent) => ({
        protocol: 'a2a' as const,
        action: 'GetAgentCard',
        resource: { type: 'A2AAgent', id: agent.name },
        audience: service.agentUrl(agent.name),
      })),
    );
    return {
      agents: agents
        .filter((_, i) => allowed[i])
        .map((agent) => ({ name: agent.name, kind: agent.kind, url: service.agentUrl(agent.name), card: agent.card })),
    };
  });

  app.get('/api/a2a/agents', async (request) => {
    await admin(request);
    return { agents: await service.registry.list() };
  });

  app.post('/api/a2a/agents', async (request, reply) => {
    await admin(request);
    const parsed = registerBody.safeParse(request.body);
    if (!parsed.success) {
      throw new ValidationError(
        'invalid registration',
        parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
      );
    }
    const { url, name, jwks, replace } = parsed.data;
    const agent = await service.registry.register({
      url,
      ...(name ? { name } : {}),
      ...(jwks ? { jwks: jwks.keys } : {}),
      ...(replace ? { replace } : {}),
    });
    return reply.status(replace ? 200 : 201).send({ ...agent, proxyUrl: service.agentUrl(agent.name) });
  });

  app.post('/api/a2a/agents/:name/refresh', async (request) => {
    await admin(request);
    return service.registry.refresh((request.params as { name: string }).name);
  });

  app.post('/api/a2a/agents/:name/accept', async (request) => {
    await admin(request);
    return service.registry.accept((request.params as { name: string }).name);
  });

  app.delete('/api/a2a/agents/:name', async (request, reply) => {
    await admin(request);
    await service.registry.remove((request.params as { name: string }).name);
    return reply.status(204).send();
  });
}
