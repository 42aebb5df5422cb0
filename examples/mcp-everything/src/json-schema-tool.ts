import { fromJsonSchema, type McpServer } from '@modelcontextprotocol/server';

// Built once: the server is constructed per request, and compiling this schema dominated the profile.
const JSON_SCHEMA_2020_12 = fromJsonSchema({
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  $defs: {
    address: {
      $anchor: 'addressDef',
      type: 'object',
      properties: { street: { type: 'string' }, city: { type: 'string' } },
    },
  },
  properties: {
    name: { type: 'string' },
    address: { $ref: '#/$defs/address' },
    contactMethod: { type: 'string', enum: ['phone', 'email'] },
    phone: { type: 'string' },
    email: { type: 'string' },
  },
  allOf: [{ anyOf: [{ required: ['phone'] }, { required: ['email'] }] }],
  if: { properties: { contactMethod: { const: 'phone' } }, required: ['contactMethod'] },
  // biome-ignore lint/suspicious/noThenProperty: the JSON Schema keyword; an object, so never taken for a thenable.
  then: { required: ['phone'] },
  else: { required: ['email'] },
  additionalProperties: false,
});

/**
 * The tool of the conformance suite's json-schema-2020-12 scenario. Its
 * inputSchema is raw JSON Schema, listed verbatim: composition, conditional
 * and `$anchor` keywords would not survive a round trip through zod.
 * @see https://github.com/modelcontextprotocol/modelcontextprotocol/pull/2106
 */
export function registerJsonSchemaTool(server: McpServer): void {
  server.registerTool(
    'json_schema_2020_12_tool',
    { description: 'Tool with JSON Schema 2020-12 features', inputSchema: JSON_SCHEMA_2020_12 },
    async (args) => ({ content: [{ type: 'text', text: `Received: ${JSON.stringify(args)}` }] }),
  );
}
