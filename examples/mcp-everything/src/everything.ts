import { McpServer, type ServerNotifier } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { registerDiagnosticTools } from './diagnostic-tools.ts';
import { registerHeaderTools } from './header-tools.ts';
import { registerInputRequiredTools } from './input-required-tools.ts';
import { registerJsonSchemaTool } from './json-schema-tool.ts';
import { registerPrompts } from './prompts.ts';
import { requestStateCodec } from './request-state.ts';
import { registerResources } from './resources.ts';
import { registerTools } from './tools.ts';

export interface EverythingOptions {
  /**
   * Publishes change events to 2026-07-28 listeners (`createMcpHandler`'s
   * `notify`); 2025-era sessions and stdio connections are notified on their
   * own connection.
   */
  readonly notify?: ServerNotifier;
}

/**
 * The "everything" MCP server: what the official conformance suite's server
 * scenarios call (`test_*` tools, `test://` resources and template, prompts,
 * completions, logging, progress, elicitation, sampling, subscriptions,
 * input_required rounds, `x-mcp-header` tools, the SEP-2575 diagnostics), plus
 * `touch_resource`, which tells subscribers a resource changed.
 * @see https://github.com/modelcontextprotocol/conformance
 */
export function createEverythingServer(options: EverythingOptions = {}): McpServer {
  const server = new McpServer(
    { name: 'everything', version: '0.1.0' },
    {
      capabilities: {
        tools: { listChanged: true },
        resources: { subscribe: true },
        prompts: { listChanged: true },
        completions: {},
        logging: {},
      },
      requestState: { verify: requestStateCodec.verify },
    },
  );
  registerTools(server);
  registerJsonSchemaTool(server);
  registerHeaderTools(server);
  registerInputRequiredTools(server);
  registerDiagnosticTools(server, options.notify);
  registerResources(server);
  registerPrompts(server);
  const subscribed = new Set<string>();
  server.server.setRequestHandler('resources/subscribe', async (request) => {
    subscribed.add(request.params.uri);
    return {};
  });
  server.server.setRequestHandler('resources/unsubscribe', async (request) => {
    subscribed.delete(request.params.uri);
    return {};
  });
  server.registerTool(
    'touch_resource',
    {
      description: 'Reports a resource as changed to the sessions subscribed to it',
      inputSchema: z.object({ uri: z.string() }),
    },
    async ({ uri }) => {
      options.notify?.resourceUpdated(uri);
      if (subscribed.has(uri)) await server.server.sendResourceUpdated({ uri });
      return { content: [{ type: 'text', text: `touched ${uri}` }] };
    },
  );
  return server;
}
