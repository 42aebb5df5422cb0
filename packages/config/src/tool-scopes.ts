import type { Config } from './schema.ts';

/**
 * Every scope the configured MCP servers' `toolScopes` ask for, once each: the
 * authorization server lets clients request them, and the gateway's RFC 9728
 * metadata lists them.
 */
export function toolScopesOf(servers: Config['mcp']['servers']): string[] {
  return [...new Set(servers.flatMap((server) => Object.values(server.toolScopes ?? {}).flat()))];
}
