/** Upstream MCP servers added at run time (`parley servers add`); config ones are not stored. */
export interface McpServerTable {
  name: string;
  /** The upstream's definition as JSON (the `mcp.servers[]` shape). */
  definition: string;
  created_at: number;
}

/**
 * One pinned tool definition per upstream tool. A changed definition is kept
 * beside the pin as `pending_*` (quarantined) until an administrator accepts it.
 */
export interface McpToolPinTable {
  server: string;
  tool: string;
  digest: string;
  /** The pinned canonical definition as JSON. */
  definition: string;
  pending_digest: string | null;
  pending_definition: string | null;
  pinned_at: number;
  changed_at: number | null;
}

/** The mcp part's tables; owned by @parley/mcp. */
export interface McpTables {
  mcp_servers: McpServerTable;
  mcp_tool_pins: McpToolPinTable;
}
