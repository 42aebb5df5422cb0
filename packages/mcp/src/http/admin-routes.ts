import { mcpServerSchema } from '@parley/config';
import { type Caller, ForbiddenError, type RequestPipeline, ValidationError } from '@parley/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { McpGateway } from '../gateway.ts';

/**
 * The admin API behind `parley servers ...` and `parley tools ...`. Callers are
 * authenticated by the pipeline; only principals with the `admin` role may use it.
 */
export function registerAdminRoutes(
  app: FastifyInstance,
  options: { baseUrl: string; pipeline: RequestPipeline; gateway: McpGateway },
): void {
  const { gateway, pipeline } = options;
  const admin = async (request: FastifyRequest): Promise<Caller> => {
    const url = `${options.baseUrl}/api`;
    const caller = await pipeline.authenticate({ method: request.method, url, headers: request.headers }, { url });
    if (!caller.roles.includes('admin')) throw new ForbiddenError('administrator role required');
    return caller;
  };

  app.get('/api/mcp/servers', async (request) => {
    await admin(request);
    return { servers: gateway.listServers() };
  });

  app.post('/api/mcp/servers', async (request, reply) => {
    const caller = await admin(request);
    const parsed = mcpServerSchema.safeParse(request.body);
    if (!parsed.success) {
      throw new ValidationError(
        'invalid server definition',
        parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
      );
    }
    const server = await gateway.addServer(parsed.data, caller);
    return reply.status(201).send({ server });
  });

  app.delete('/api/mcp/servers/:name', async (request, reply) => {
    const caller = await admin(request);
    await gateway.removeServer((request.params as { name: string }).name, caller);
    return reply.status(204).send();
  });

  app.get('/api/mcp/tools', async (request) => {
    await admin(request);
    const query = z.object({ quarantined: z.enum(['true', 'false']).optional() }).parse(request.query);
    return query.quarantined === 'true'
      ? { quarantined: await gateway.listQuarantined() }
      : { tools: await gateway.listTools() };
  });

  app.post('/api/mcp/tools/:name/accept', async (request) => {
    const caller = await admin(request);
    return { accepted: await gateway.acceptTool((request.params as { name: string }).name, caller) };
  });
}
