import { McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { registerPrompts } from './prompts.ts';
import { registerResources } from './resources.ts';
import { registerTools } from './tools.ts';

export interface EverythingOptions {
  /**
   * Publishes `notifications/resources/updated` to 2026-07-28 listeners
   * (`createMcpHandler`'s `notify.resourceUpdated`); 2025-era sessions that
   * subscribed are notified on their own connection.
   */
  readonly resourceUpdated?: (uri: string) => void;
}

/**
 * The "everything" MCP server: what the official conformance suite's server
 * scenarios call (`test_*` tools, `test://` resources and template, prompts,
 * completions, logging, progress, elicitation, sampling, subscriptions), plus
 * `touch_resource`, which tells subscribers a resource changed.
 * @see https://github.com/modelcontextprotocol/conformance
 */
export function createEverythingServer(options: EverythingOptions = {}): McpServer {
  const server = new McpServer(
    { name: 'everything', version: '0.1.0' },
    {
      capabilities: {
        tools: {},
        resources: { subscribe: true },
        prompts: {},
        completions: {},
        logging: {},
      },
    },
  );
  registerTools(server);
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
      options.resourceUpdated?.(uri);
      if (subscribed.has(uri)) await server.server.sendResourceUpdated({ uri });
      return { content: [{ type: 'text', text: `touched ${uri}` }] };
    },
  );
  return server;
}
