import { McpServer } from '@modelcontextprotocol/server';
import {
  GATEWAY_CAPABILITIES,
  GATEWAY_INFO,
  GATEWAY_INSTRUCTIONS,
  type GatewayDeps,
  type GatewaySession,
  installGatewayHandlers,
} from './gateway-server.ts';

/**
 * The gateway for one stateless (2026-07-28) request, as the SDK's
 * `McpServer`: the same handlers as `createGatewayServer`, plus the federated
 * tool's input schema for the SDK's HTTP entry, which checks a call's
 * `Mcp-Param-*` headers against the schema's `x-mcp-header` declarations
 * (400, `-32020`) before dispatch. The entry asks an `McpServer` for that schema
 * by `toolInputSchemaJson`, which would otherwise look among tools registered on
 * it; the gateway registers none, and answers from the federation.
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports#custom-headers
 */
export class StatelessGatewayServer extends McpServer {
  readonly #deps: GatewayDeps;
  readonly #session: GatewaySession;

  constructor(deps: GatewayDeps, session: GatewaySession) {
    // Capabilities are registered on the inner server: given to McpServer, they would install its own handlers.
    super(GATEWAY_INFO, { instructions: GATEWAY_INSTRUCTIONS });
    this.server.registerCapabilities(GATEWAY_CAPABILITIES);
    installGatewayHandlers(this.server, deps, session);
    this.#deps = deps;
    this.#session = session;
  }

  override toolInputSchemaJson(name: string): Record<string, unknown> | undefined {
    return this.#deps.federation.findTool(name, this.#session.virtualServer)?.tool.inputSchema;
  }
}
