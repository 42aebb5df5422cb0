export { McpErrorCode, McpGatewayError } from './errors.ts';
export type { VirtualServer } from './gateway/federation.ts';
export type { LocalTool, LocalToolContext, LocalToolProvider, LocalToolResult } from './gateway/local-tools.ts';
export {
  McpGateway,
  type McpGatewayOptions,
  type ServerInfo,
  type ToolInfo,
} from './gateway.ts';
export { protectedResourceMetadataUrl } from './http/protected-resource.ts';
export { MemoryRateLimiter, type RateLimit, type RateLimiter, secondsLeft } from './http/rate-limiter.ts';
export { type PinnedDefinition, pinnedDefinition, type QuarantinedTool } from './pinning/tool-pins.ts';
export type { UpstreamDefinition } from './upstream/definition.ts';
export { CleanStdioTransport, type StdioLaunch } from './upstream/stdio-transport.ts';
