import {
  acceptedContent,
  inputRequired,
  inputResponse,
  type McpServer,
  type ServerNotifier,
} from '@modelcontextprotocol/server';
import { z } from 'zod';
import { noArgs, text } from './results.ts';

const valueSchema = z.object({ value: z.string() });

/**
 * The diagnostic tools of the conformance suite's server-stateless scenario
 * (SEP-2575): each gives the server a reason to do what the 2026-07-28
 * revision constrains, so the suite can see that it does not. `notify` reaches
 * the open `subscriptions/listen` streams of the HTTP entry.
 * @see https://modelcontextprotocol.io/seps/2575-stateless-mcp
 */
export function registerDiagnosticTools(server: McpServer, notify?: ServerNotifier): void {
  server.registerTool(
    'test_missing_capability',
    { description: 'Needs sampling: a client that did not declare it gets -32021', inputSchema: noArgs },
    async (_args, ctx) => {
      // Returned even to a client without sampling: the SDK answers -32021 for undeclared capabilities.
      const answer = inputResponse(ctx.mcpReq.inputResponses, 'needs_sampling');
      if (answer.kind !== 'sampling') {
        return inputRequired({
          inputRequests: {
            needs_sampling: inputRequired.createMessage({
              messages: [{ role: 'user', content: { type: 'text', text: 'Say anything.' } }],
              maxTokens: 16,
            }),
          },
        });
      }
      return text('Sampled with the declared sampling capability');
    },
  );
  server.registerTool(
    'test_streaming_elicitation',
    { description: 'Asks for input with an input_required result, never a request on the stream', inputSchema: noArgs },
    async (_args, ctx) => {
      const answer = acceptedContent(ctx.mcpReq.inputResponses, 'stream_input', valueSchema);
      if (!answer) {
        return inputRequired({
          inputRequests: {
            stream_input: inputRequired.elicit({ message: 'Provide a value', requestedSchema: valueSchema }),
          },
        });
      }
      return text(`Received: ${answer.value}`);
    },
  );
  server.registerTool(
    'test_logging_tool',
    { description: 'Logs, which reaches the client only if the request set a log level', inputSchema: noArgs },
    async (_args, ctx) => {
      await ctx.mcpReq.log('info', 'test_logging_tool ran');
      return text('Logging tool finished');
    },
  );
  server.registerTool(
    'test_trigger_tool_change',
    { description: 'Reports the tool list as changed to listeners (a diagnostic hook)', inputSchema: noArgs },
    async () => {
      notify?.toolsChanged();
      server.sendToolListChanged();
      return text('Tool list change published');
    },
  );
  server.registerTool(
    'test_trigger_prompt_change',
    { description: 'Reports the prompt list as changed to listeners (a diagnostic hook)', inputSchema: noArgs },
    async () => {
      notify?.promptsChanged();
      server.sendPromptListChanged();
      return text('Prompt list change published');
    },
  );
}
