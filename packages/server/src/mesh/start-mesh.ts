import { resolve } from 'node:path';
import { type Config, publicBaseUrl } from '@parley/config';
import { type Clock, type EventBus, InProcessBus, type Logger, ParleyError, systemClock } from '@parley/core';
import { Store } from '@parley/store';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app/build-app.ts';
import { closeApp } from '../app/close-app.ts';
import { RedisBus } from '../bus/redis-bus.ts';
import { resolvePort } from './free-port.ts';
import type { MeshContext, MeshMode, MeshPart, PartHandle } from './part.ts';
import { parts as defaultParts } from './parts.ts';

export interface StartMeshOptions {
  config: Config;
  mode: MeshMode;
  logger: Logger;
  clock?: Clock;
  bus?: EventBus;
  /** Replaces the default parts (tests compose partial meshes). */
  parts?: readonly MeshPart[];
}

/** A running mesh. */
export interface Mesh {
  readonly url: string;
  readonly app: FastifyInstance;
  readonly store: Store;
  readonly context: MeshContext;
  readonly banner: ReadonlyArray<{ label: string; value: string }>;
  /** Stops accepting, lets in-flight requests finish, stops parts, closes the store. */
  close(): Promise<void>;
}

/** How often a mesh asked for any free port (0) tries again when another process took the one chosen. */
const FREE_PORT_ATTEMPTS = 5;

/** Opens the store, starts every part, and listens. */
export async function startMesh(options: StartMeshOptions): Promise<Mesh> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startMeshOnce(options);
    } catch (error) {
      // Port 0 is resolved before listening (parts need the URL first), so
      // another process may take the chosen port in between: choose again.
      const raced = error instanceof ParleyError && error.code === 'ERR_SERVER_PORT_IN_USE';
      if (!raced || options.config.server.port !== 0 || attempt >= FREE_PORT_ATTEMPTS) throw error;
      options.logger.warn({ attempt }, 'the chosen free port was taken; choosing another');
    }
  }
}

async function startMeshOnce(options: StartMeshOptions): Promise<Mesh> {
  const { config, logger } = options;
  const dataDir = resolve(config.dataDir);
  const port = await resolvePort(config.server.host, config.server.port);
  const baseUrl = publicBaseUrl(config, port);
  const bus = options.bus ?? (config.redis.url ? await RedisBus.connect(config.redis.url, logger) : new InProcessBus());
  let store: Store;
  try {
    store = await Store.open({ url: config.store.url, schema: config.store.schema, dataDir, logger });
  } catch (error) {
    if (!options.bus) await bus.close();
    throw error;
  }
  const app = buildApp({
    logger,
    store,
    bodyLimit: config.server.bodyLimit,
    trustProxy: config.server.trustProxy,
  });
  const context: MeshContext = {
    config,
    mode: options.mode,
    dataDir,
    baseUrl,
    store,
    bus,
    clock: options.clock ?? systemClock,
    logger,
    app,
    services: new Map(),
  };
  const handles: Array<{ name: string; handle: PartHandle }> = [];
  const stopParts = async () => {
    for (const { name, handle } of handles.reverse()) {
      try {
        await handle.stop?.();
      } catch (error) {
        logger.error({ err: error, part: name }, 'part failed to stop cleanly');
      }
    }
  };
  try {
    for (const part of options.parts ?? defaultParts) {
      const handle = await part.start(context);
      if (handle) handles.push({ name: part.name, handle });
    }
    await app.listen({ host: config.server.host, port });
  } catch (error) {
    await app.close().catch(() => {});
    await stopParts();
    // A bus the caller passed in is the caller's; a retry on another port reuses it.
    if (!options.bus) await bus.close();
    await store.close();
    if (error instanceof ParleyError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new ParleyError('ERR_SERVER_PORT_IN_USE', `port ${port} on ${config.server.host} is already in use`);
    }
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    url: baseUrl,
    app,
    store,
    context,
    banner: handles.flatMap(({ handle }) => handle.banner ?? []),
    close() {
      closing ??= (async () => {
        await closeApp(app, config.server.shutdownGrace / 2);
        await stopParts();
        await bus.close();
        await store.close();
      })();
      return closing;
    },
  };
}
