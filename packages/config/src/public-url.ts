import type { Config } from './schema.ts';

/**
 * The base URL others use to reach this server (no trailing slash). Derived
 * from host and port unless `server.publicUrl` is set; a wildcard bind address
 * is shown as loopback.
 */
export function publicBaseUrl(config: Config, boundPort?: number): string {
  if (config.server.publicUrl) return config.server.publicUrl.replace(/\/+$/, '');
  const host = config.server.host === '0.0.0.0' || config.server.host === '::' ? '127.0.0.1' : config.server.host;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return `http://${shownHost}:${boundPort ?? config.server.port}`;
}
