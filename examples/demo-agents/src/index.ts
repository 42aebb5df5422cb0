import type { AgentDefinition } from '@parley/a2a';
import type { FetchFunction } from '@parley/core';
import { commsAgent } from './comms.ts';
import { facilitiesAgent } from './facilities.ts';
import { schedulerAgent } from './scheduler.ts';

export { commsAgent } from './comms.ts';
export { facilitiesAgent } from './facilities.ts';
export { type Gateway, type GatewayTools, openGatewayTools, type ToolResult } from './gateway-tools.ts';
export { schedulerAgent } from './scheduler.ts';

/** The three demo specialists of `parley dev`, reaching their tools at `mcpUrl`. */
export function demoAgents(mcpUrl: string, fetch: FetchFunction = globalThis.fetch): AgentDefinition[] {
  const gateway = { url: mcpUrl, fetch };
  return [schedulerAgent(gateway), facilitiesAgent(gateway), commsAgent(gateway)];
}
