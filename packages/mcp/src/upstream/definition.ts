import type { Config } from '@parley/config';

/** One upstream MCP server, as `mcp.servers[]` and `parley servers add` describe it. */
export type UpstreamDefinition = Config['mcp']['servers'][number];
export type HttpUpstreamDefinition = Extract<UpstreamDefinition, { url: string }>;
export type UpstreamAuth = HttpUpstreamDefinition['auth'];

export function isHttpUpstream(definition: UpstreamDefinition): definition is HttpUpstreamDefinition {
  return 'url' in definition;
}
