import { createServer } from 'node:net';
import { configSchema } from '@parley/config';
import { type Clock, createGuardedFetch, type EventBus, silentLogger, systemClock } from '@parley/core';
import {
  createCalendarServer,
  createRoomsServer,
  type HttpUpstream,
  mailStdioEntry,
  RoomBookings,
  serveHttp,
} from '@parley/example-mcp-upstreams';
import { McpGateway } from '@parley/mcp';
import { buildApp } from '@parley/server';
import type { Store } from '@parley/store';
import type { FastifyInstance } from 'fastify';
import { FakePipeline } from './fake-pipeline.ts';

export const DEMO_TODAY = new Date('2026-03-04T00:00:00Z');

export interface Harness {
  readonly baseUrl: string;
  readonly mcpUrl: string;
  readonly pipeline: FakePipeline;
  readonly gateway: McpGateway;
  readonly app: FastifyInstance;
  readonly upstreams: { calendar: HttpUpstream; rooms: HttpUpstream };
  readonly bookings: RoomBookings;
  /** A token for `sub` on `/mcp` (or `aud`). */
  token(sub?: string, options?: { aud?: string; roles?: string[]; scope?: string }): Promise<string>;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A gateway on 127.0.0.1 over the demo upstreams (calendar, rooms over HTTP; mail over stdio). */
export async function startHarness(options: {
  store: Store;
  mcp?: Record<string, unknown>;
  extraServers?: unknown[];
  clock?: Clock;
  withDemo?: boolean;
  /** Where the gateway keeps its generated credential key. */
  dataDir?: string;
  /** The bus the gateway follows other replicas on, and how often it re-reads the store. */
  bus?: EventBus;
  resyncMs?: number;
}): Promise<Harness> {
  const bookings = new RoomBookings();
  const calendar = await serveHttp(() => createCalendarServer({ today: () => DEMO_TODAY }));
  const rooms = await serveHttp(() => createRoomsServer({ bookings, now: () => DEMO_TODAY }));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const pipeline = await FakePipeline.create(baseUrl);
  const demo =
    options.withDemo === false
      ? []
      : [
          {
            name: 'calendar',
            url: calendar.url,
            auth: { type: 'static', header: 'authorization', value: 'Bearer calendar-secret' },
          },
          { name: 'rooms', url: rooms.url, auth: { type: 'token-exchange' } },
          { name: 'mail', command: process.execPath, args: [mailStdioEntry], env: { MAIL_DEMO: '1' } },
        ];
  const config = configSchema.parse({
    mcp: { servers: [...demo, ...(options.extraServers ?? [])], ...options.mcp },
  }).mcp;
  const logger = silentLogger();
  const app = buildApp({ logger, store: options.store, bodyLimit: 1_048_576, trustProxy: false });
  const gateway = await McpGateway.start({
    app,
    baseUrl,
    store: options.store,
    clock: options.clock ?? systemClock,
    logger,
    pipeline,
    config,
    // Plain 2026-07-28 tool calls go out through the guarded client, as in the mesh.
    guardedFetch: createGuardedFetch({ allowPrivateNetworks: true, allowHttp: true }),
    backoff: { initialMs: 50, maxMs: 500 },
    requestTimeout: 15_000,
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    ...(options.bus === undefined ? {} : { bus: options.bus }),
    ...(options.resyncMs === undefined ? {} : { resyncMs: options.resyncMs }),
  });
  await app.listen({ host: '127.0.0.1', port });
  return {
    baseUrl,
    mcpUrl: `${baseUrl}/mcp`,
    pipeline,
    gateway,
    app,
    upstreams: { calendar, rooms },
    bookings,
    token: (sub = 'alice', o = {}) =>
      pipeline.token({
        sub,
        aud: o.aud ?? `${baseUrl}/mcp`,
        ...(o.roles ? { roles: o.roles } : {}),
        ...(o.scope ? { scope: o.scope } : {}),
      }),
    async close() {
      await app.close();
      await gateway.stop();
      await calendar.close();
      await rooms.close();
    },
  };
}
