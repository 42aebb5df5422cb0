import {
  type CallToolResult,
  type InputResponses,
  inputRequired,
  type McpServer,
  type ServerContext,
} from '@modelcontextprotocol/server';
import { z } from 'zod';
import { RED_PIXEL_PNG, SILENT_WAV } from './media.ts';
import { noArgs, text } from './results.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A server-to-client request, in the era the caller speaks: pushed on the
 * request's stream (2025-11-25 sessions) or asked for with an `input_required`
 * result and read from the retried request (2026-07-28).
 */
async function ask(
  ctx: ServerContext,
  key: string,
  request: ReturnType<typeof inputRequired.elicit>,
  push: () => Promise<unknown>,
): Promise<{ answer: unknown } | { retry: CallToolResult }> {
  const responses = (ctx.mcpReq as { inputResponses?: InputResponses }).inputResponses;
  if (responses && key in responses) return { answer: responses[key] };
  try {
    return { answer: await push() };
  } catch (error) {
    if (!/2026-07-28|input_?required/i.test(String(error))) throw error;
    return { retry: inputRequired({ inputRequests: { [key]: request } }) as unknown as CallToolResult };
  }
}

const elicitationSchemas = {
  test_elicitation: (message: string) => ({
    message,
    requestedSchema: {
      type: 'object' as const,
      properties: {
        username: { type: 'string' as const, description: "User's response" },
        email: { type: 'string' as const, description: "User's email address" },
      },
      required: ['username', 'email'],
    },
  }),
  test_elicitation_sep1034_defaults: () => ({
    message: 'Test client default value handling - please accept with defaults',
    requestedSchema: {
      type: 'object' as const,
      properties: {
        name: { type: 'string' as const, description: 'User name', default: 'John Doe' },
        age: { type: 'integer' as const, description: 'User age', default: 30 },
        score: { type: 'number' as const, description: 'User score', default: 95.5 },
        status: {
          type: 'string' as const,
          description: 'User status',
          enum: ['active', 'inactive', 'pending'],
          default: 'active',
        },
        verified: { type: 'boolean' as const, description: 'Verification status', default: true },
      },
      required: [],
    },
  }),
  test_elicitation_sep1330_enums: () => ({
    message: 'Pick from every kind of enum',
    requestedSchema: {
      type: 'object' as const,
      properties: {
        untitledSingle: { type: 'string' as const, enum: ['option1', 'option2', 'option3'] },
        titledSingle: {
          type: 'string' as const,
          oneOf: [
            { const: 'value1', title: 'First Option' },
            { const: 'value2', title: 'Second Option' },
            { const: 'value3', title: 'Third Option' },
          ],
        },
        legacyEnum: {
          type: 'string' as const,
          enum: ['opt1', 'opt2', 'opt3'],
          enumNames: ['Option One', 'Option Two', 'Option Three'],
        },
        untitledMulti: {
          type: 'array' as const,
          items: { type: 'string' as const, enum: ['option1', 'option2', 'option3'] },
        },
        titledMulti: {
          type: 'array' as const,
          items: {
            anyOf: [
              { const: 'value1', title: 'First Choice' },
              { const: 'value2', title: 'Second Choice' },
              { const: 'value3', title: 'Third Choice' },
            ],
          },
        },
      },
      required: [],
    },
  }),
};

/** The `test_*` tools of the conformance suite's server scenarios. */
export function registerTools(server: McpServer): void {
  server.registerTool('test_simple_text', { description: 'Returns simple text', inputSchema: noArgs }, async () =>
    text('This is a simple text response for testing.'),
  );
  server.registerTool('test_image_content', { description: 'Returns an image', inputSchema: noArgs }, async () => ({
    content: [{ type: 'image', data: RED_PIXEL_PNG, mimeType: 'image/png' }],
  }));
  server.registerTool('test_audio_content', { description: 'Returns audio', inputSchema: noArgs }, async () => ({
    content: [{ type: 'audio', data: SILENT_WAV, mimeType: 'audio/wav' }],
  }));
  server.registerTool(
    'test_embedded_resource',
    { description: 'Returns an embedded resource', inputSchema: noArgs },
    async () => ({
      content: [
        {
          type: 'resource',
          resource: {
            uri: 'test://embedded-resource',
            mimeType: 'text/plain',
            text: 'This is an embedded resource content.',
          },
        },
      ],
    }),
  );
  server.registerTool(
    'test_multiple_content_types',
    { description: 'Returns text, image and resource content', inputSchema: noArgs },
    async () => ({
      content: [
        { type: 'text', text: 'Multiple content types test:' },
        { type: 'image', data: RED_PIXEL_PNG, mimeType: 'image/png' },
        {
          type: 'resource',
          resource: {
            uri: 'test://mixed-content-resource',
            mimeType: 'application/json',
            text: JSON.stringify({ test: 'data', value: 123 }),
          },
        },
      ],
    }),
  );
  server.registerTool(
    'test_tool_with_logging',
    { description: 'Sends three log messages while it runs', inputSchema: noArgs },
    async (_args, ctx) => {
      await ctx.mcpReq.log('info', 'Tool execution started');
      await sleep(50);
      await ctx.mcpReq.log('info', 'Tool processing data');
      await sleep(50);
      await ctx.mcpReq.log('info', 'Tool execution completed');
      return text('Tool with logging executed successfully');
    },
  );
  server.registerTool(
    'test_tool_with_progress',
    { description: 'Reports progress 0, 50, 100 of 100', inputSchema: noArgs },
    async (_args, ctx) => {
      const progressToken = ctx.mcpReq._meta?.progressToken;
      for (const progress of [0, 50, 100]) {
        if (progressToken !== undefined) {
          await ctx.mcpReq.notify({
            method: 'notifications/progress',
            params: { progressToken, progress, total: 100, message: `Completed step ${progress} of 100` },
          });
        }
        if (progress < 100) await sleep(50);
      }
      return text('Tool with progress executed successfully');
    },
  );
  server.registerTool('test_error_handling', { description: 'Always fails', inputSchema: noArgs }, async () => ({
    isError: true,
    content: [{ type: 'text', text: 'This tool intentionally returns an error for testing' }],
  }));
  server.registerTool(
    'test_reconnection',
    { description: 'Closes its SSE stream mid-call, then answers (SEP-1699)', inputSchema: noArgs },
    async (_args, ctx) => {
      ctx.http?.closeSSE?.();
      await sleep(100);
      return text('Reconnection test completed successfully');
    },
  );
  server.registerTool(
    'test_sampling',
    { description: 'Asks the client for an LLM completion', inputSchema: z.object({ prompt: z.string() }) },
    async ({ prompt }, ctx) => {
      const params = {
        messages: [{ role: 'user' as const, content: { type: 'text' as const, text: prompt } }],
        maxTokens: 100,
      };
      const asked = await ask(ctx, 'sampling', inputRequired.createMessage(params), () =>
        ctx.mcpReq.requestSampling(params),
      );
      if ('retry' in asked) return asked.retry;
      const content = (asked.answer as { content?: { type?: string; text?: string } }).content;
      return text(`LLM response: ${content?.type === 'text' ? content.text : JSON.stringify(content)}`);
    },
  );
  for (const [name, build] of Object.entries(elicitationSchemas)) {
    const withMessage = name === 'test_elicitation';
    server.registerTool(
      name,
      {
        description: `Asks the client for input (${name})`,
        inputSchema: withMessage ? z.object({ message: z.string() }) : noArgs,
      },
      async (args: { message?: string }, ctx) => {
        const params = build(args.message ?? '');
        const asked = await ask(ctx, 'elicitation', inputRequired.elicit(params as never), () =>
          ctx.mcpReq.elicitInput(params as never),
        );
        if ('retry' in asked) return asked.retry;
        const { action, content } = asked.answer as { action: string; content?: unknown };
        return text(
          withMessage
            ? `User response: action=${action}, content=${JSON.stringify(content ?? {})}`
            : `Elicitation completed: action=${action}, content=${JSON.stringify(content ?? {})}`,
        );
      },
    );
  }
}
