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

/**
 * A user's own credential for a `per-user` upstream, sealed with AES-256-GCM
 * (the server and user bound as additional data); the key is never stored here.
 */
export interface McpUserCredentialTable {
  server: string;
  user_id: string;
  /** The 96-bit nonce, base64. */
  iv: string;
  /** Ciphertext followed by the 128-bit GCM tag, base64. */
  ciphertext: string;
  updated_at: number;
}

/** The mcp part's tables; owned by @parley/mcp. */
export interface McpTables {
  mcp_servers: McpServerTable;
  mcp_tool_pins: McpToolPinTable;
  mcp_user_credentials: McpUserCredentialTable;
}
