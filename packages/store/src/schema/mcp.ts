/** The mcp part's tables; owned by @parley/mcp. */
// biome-ignore lint/suspicious/noEmptyInterface: the part adds its tables here.
export interface McpTables {}
