import { fromJsonSchema, type McpServer } from '@modelcontextprotocol/server';

const customHeadersSchema = {
  type: 'object',
  properties: {
    region: { type: 'string', description: 'Mirrored into Mcp-Param-Region', 'x-mcp-header': 'Region' },
    priority: { type: 'integer', description: 'Mirrored into Mcp-Param-Priority', 'x-mcp-header': 'Priority' },
    verbose: { type: 'boolean', description: 'Mirrored into Mcp-Param-Verbose when set', 'x-mcp-header': 'Verbose' },
    query: { type: 'string', description: 'Not mirrored into a header' },
  },
  required: ['region', 'priority', 'query'],
};
// Built once, as the server is constructed per request. Passed as a variable: the SDK's JSON Schema type has no
// `x-mcp-header`, so a literal would fail the excess-property check.
const CUSTOM_HEADERS_INPUT = fromJsonSchema<{ region: string; priority: number; verbose?: boolean; query: string }>(
  customHeadersSchema,
);

/**
 * The tool of the conformance suite's http-custom-header-server-validation
 * scenario: its arguments annotated with `x-mcp-header` must arrive mirrored in
 * `Mcp-Param-*` headers, which the SDK's HTTP entry checks against the body
 * (Base64 sentinel decoding included) before the handler runs.
 * @see https://modelcontextprotocol.io/seps/2243-http-standardization
 */
export function registerHeaderTools(server: McpServer): void {
  server.registerTool(
    'test_custom_headers',
    { description: 'Echoes arguments that clients mirror into Mcp-Param-* headers', inputSchema: CUSTOM_HEADERS_INPUT },
    async (args) => ({ content: [{ type: 'text', text: `Headers matched the arguments: ${JSON.stringify(args)}` }] }),
  );
}
