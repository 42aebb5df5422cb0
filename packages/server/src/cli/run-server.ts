import { loadConfig } from '@parley/config';
import { createLogger } from '@parley/core';
import type { MeshMode } from '../mesh/part.ts';
import { type Mesh, startMesh } from '../mesh/start-mesh.ts';
import { EXIT_FAILURE, reportCliError } from './cli-error.ts';

export interface ServerFlags {
  config?: string;
  port?: string;
  host?: string;
  dataDir?: string;
  json?: boolean;
}

/** Settings `parley dev` starts from; a config file or the environment can still change them. */
const DEV_DEFAULTS = [{ path: ['log', 'level'], value: 'info' }];

/** Loads configuration, starts the mesh, prints where it listens, and stops it on SIGINT/SIGTERM. */
export async function runServer(mode: MeshMode, flags: ServerFlags): Promise<number | undefined> {
  const config = loadConfig({
    file: flags.config ?? process.env.PARLEY_CONFIG,
    env: process.env,
    defaults: mode === 'dev' ? DEV_DEFAULTS : [],
    overrides: [
      { path: ['server', 'port'], value: flags.port },
      { path: ['server', 'host'], value: flags.host },
      { path: ['dataDir'], value: flags.dataDir },
    ],
  });
  const logger = createLogger({ level: config.log.level });
  const mesh = await startMesh({ config, mode, logger });
  printBanner(mesh, mode, flags.json === true);
  installShutdown(mesh, config.server.shutdownGrace, logger);
  return undefined;
}

function printBanner(mesh: Mesh, mode: MeshMode, json: boolean): void {
  const lines = [
    { label: 'URL', value: mesh.url },
    { label: 'Health', value: `${mesh.url}/healthz` },
    { label: 'Data', value: `${mesh.store.location} (${mesh.store.dialect})` },
    ...mesh.banner,
  ];
  if (json) {
    process.stdout.write(`${JSON.stringify({ event: 'listening', mode, url: mesh.url, endpoints: lines })}\n`);
    return;
  }
  const width = Math.max(...lines.map((l) => l.label.length));
  process.stdout.write(
    `\nParley is listening on ${mesh.url} (${mode})\n${lines.map((l) => `  ${l.label.padEnd(width)}  ${l.value}`).join('\n')}\nPress Ctrl-C to stop.\n\n`,
  );
}

function installShutdown(mesh: Mesh, graceMs: number, logger: ReturnType<typeof createLogger>): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(EXIT_FAILURE);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error({ graceMs }, 'in-flight work did not finish in time; exiting');
      process.exit(EXIT_FAILURE);
    }, graceMs);
    force.unref();
    mesh.close().then(
      () => {
        clearTimeout(force);
        logger.info('stopped');
        logger.flush?.();
        process.exitCode = 0;
      },
      (error: unknown) => {
        clearTimeout(force);
        process.exit(reportCliError(error));
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
