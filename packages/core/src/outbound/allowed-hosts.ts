import { isIPv6 } from 'node:net';
import { ConfigError } from '../errors/parley-error.ts';

/** Hosts exempt from the private-address refusal (`outbound.allowedHosts`). */
export interface AllowedHosts {
  /** True when `hostname` (no brackets), reached on `port`, is listed. */
  permits(hostname: string, port: number): boolean;
}

interface Entry {
  readonly hostname: string;
  readonly port: number | undefined;
}

/**
 * Parses `host`, `host:port`, `[v6]`, `[v6]:port` or a bare IPv6 address; host
 * names compare as the URL parser writes them (lower case, punycode, canonical IP).
 */
export function parseAllowedHosts(entries: readonly string[]): AllowedHosts {
  const parsed = entries.map((entry, i) => parseEntry(entry, `outbound.allowedHosts[${i}]`));
  return {
    permits: (hostname, port) => {
      const host = canonicalHost(hostname);
      return parsed.some((entry) => entry.hostname === host && (entry.port === undefined || entry.port === port));
    },
  };
}

function parseEntry(entry: string, path: string): Entry {
  const trimmed = entry.trim();
  const hostPort = isIPv6(trimmed) ? `[${trimmed}]` : trimmed;
  let url: URL;
  try {
    url = new URL(`http://${hostPort}`);
  } catch {
    throw invalid(path);
  }
  if (url.username !== '' || url.password !== '' || url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    throw invalid(path);
  }
  // The URL parser drops a port equal to the scheme default, so read it from the text.
  const port = /:(\d+)$/.exec(hostPort)?.[1];
  return { hostname: canonicalHost(url.hostname), port: port === undefined ? undefined : Number(port) };
}

function canonicalHost(hostname: string): string {
  const bracketed = isIPv6(hostname) ? `[${hostname}]` : hostname;
  try {
    return new URL(`http://${bracketed}`).hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
  } catch {
    return hostname.toLowerCase();
  }
}

function invalid(path: string): ConfigError {
  const message = 'must be a host name or host:port';
  return new ConfigError(`${path} ${message}`, [{ path, message }]);
}
