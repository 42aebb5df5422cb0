import { tracedFetch } from '@parley/audit';
import { ConfigError, type GuardedFetch, type RequestPipeline, toFetch } from '@parley/core';
import { McpGateway, type UpstreamDefinition } from '@parley/mcp';
import { RedisRateLimiter } from '../../redis/rate-limiter.ts';
import type { MeshContext, MeshPart } from '../part.ts';

interface DemoUpstreams {
  servers: UpstreamDefinition[];
  close(): Promise<void>;
}

/**
 * In `parley dev`: the demo calendar and rooms servers over HTTP on 127.0.0.1
 * free ports, and the mail server spawned over stdio.
 */
async function startDemoUpstreams(context: MeshContext): Promise<DemoUpstreams> {
  const demo = await import('@parley/example-mcp-upstreams');
  const today = demo.demoToday();
  const bookings = new demo.RoomBookings();
  const calendar = await demo.serveHttp(() => demo.createCalendarServer({ today: () => today }));
  const rooms = await demo.serveHttp(() =>
    demo.createRoomsServer({ bookings, now: () => new Date(context.clock.now()) }),
  );
  const taken = new Set(context.config.mcp.servers.map((s) => s.name));
  const servers: UpstreamDefinition[] = [
    { name: 'calendar', url: calendar.url, auth: { type: 'none' } },
    { name: 'rooms', url: rooms.url, auth: { type: 'none' } },
    { name: 'mail', command: process.execPath, args: [demo.mailStdioEntry], env: {} },
  ].filter((s) => !taken.has(s.name)) as UpstreamDefinition[];
  return {
    servers,
    async close() {
      await calendar.close();
      await rooms.close();
    },
  };
}

/**
 * The MCP gateway at `/mcp` and `/mcp/<virtual-server>`, over `mcp.servers`
 * (plus the demo upstreams in dev). Needs the `pipeline` service.
 */
export const mcpPart: MeshPart = {
  name: 'mcp',
  async start(context) {
    const pipeline = context.services.get('pipeline') as RequestPipeline | undefined;
    if (!pipeline) {
      throw new ConfigError(
        'the MCP gateway needs the request pipeline (service `pipeline`), and no part published it',
      );
    }
    const guarded = context.services.get('outbound') as GuardedFetch | undefined;
    const { rateLimit } = context.config.mcp;
    // With Redis (several replicas), the limit is counted once for all of them.
    const rateLimiter = context.config.redis.url
      ? await RedisRateLimiter.connect(context.config.redis.url, {
          scope: context.baseUrl,
          requests: rateLimit.requests,
          windowMs: rateLimit.window,
          clock: context.clock,
          logger: context.logger.child({ part: 'mcp' }),
        })
      : undefined;
    let demo: DemoUpstreams | undefined;
    let gateway: McpGateway;
    try {
      demo = context.mode === 'dev' ? await startDemoUpstreams(context) : undefined;
      gateway = await McpGateway.start({
        app: context.app,
        baseUrl: context.baseUrl,
        store: context.store,
        clock: context.clock,
        logger: context.logger.child({ part: 'mcp' }),
        bus: context.bus,
        pipeline,
        config: { ...context.config.mcp, servers: [...context.config.mcp.servers, ...(demo?.servers ?? [])] },
        dataDir: context.dataDir,
        ...(guarded ? { fetch: tracedFetch(toFetch(guarded)) as typeof fetch, guardedFetch: guarded } : {}),
        ...(rateLimiter ? { rateLimiter } : {}),
      });
    } catch (error) {
      await rateLimiter?.close();
      await demo?.close();
      throw error;
    }
    context.services.set('mcp', gateway);
    return {
      async stop() {
        await gateway.stop();
        await rateLimiter?.close();
        await demo?.close();
      },
      banner: [{ label: 'MCP gateway', value: `${gateway.url} (${gateway.listServers().length} upstream servers)` }],
    };
  },
};
