import { type CallContext, type Message, RemoteAgentClient, type StreamResponse } from '@parley/a2a';
import { activeTraceId, tracedFetch } from '@parley/audit';
import { type Caller, ConfigError, type RequestPipeline } from '@parley/core';
import type { LocalTool, LocalToolContext, LocalToolResult, McpGateway } from '@parley/mcp';
import { type AskResult, CONCIERGE, followTask, progressFromMetadata } from '@parley/orchestrator';
import type { MeshPart } from '../part.ts';
import { GATEWAY_AGENT } from './pipeline.ts';

const TERMINAL = new Set(['TASK_STATE_COMPLETED', 'TASK_STATE_FAILED', 'TASK_STATE_CANCELED', 'TASK_STATE_REJECTED']);

/**
 * The gateway's built-in `mesh.delegate` tool: any MCP host hands a request to
 * the concierge, which plans it and delegates its parts on the caller's
 * behalf. Registered with the `mcp` service; starts after the a2a part.
 */
export const delegatePart: MeshPart = {
  name: 'delegate',
  async start(context) {
    const gateway = context.services.get('mcp') as McpGateway | undefined;
    const pipeline = context.services.get('pipeline') as RequestPipeline | undefined;
    if (!gateway || !pipeline) throw new ConfigError('the delegate tool needs the `mcp` and `pipeline` services');
    gateway.registerLocalTools({
      server: 'mesh',
      tools: [delegateTool(pipeline, `${context.baseUrl}/a2a/${CONCIERGE}`)],
    });
    return undefined;
  },
};

function delegateTool(pipeline: RequestPipeline, conciergeUrl: string): LocalTool {
  return {
    name: 'delegate',
    title: 'Delegate to the mesh',
    description:
      "Hands a request to Parley's concierge, which plans it, delegates the parts in parallel to the mesh's agents on your behalf (actions that need approval wait for a person) and answers with what was done and what was not.",
    inputSchema: {
      type: 'object',
      properties: { request: { type: 'string', description: 'What to get done, in plain words.' } },
      required: ['request'],
    },
    outputSchema: {
      type: 'object',
      properties: {
        state: { type: 'string' },
        taskId: { type: 'string' },
        traceId: { type: 'string' },
        subtasks: {
          type: 'array',
          items: {
            type: 'object',
            properties: { agent: { type: 'string' }, status: { type: 'string' }, reason: { type: 'string' } },
            required: ['agent', 'status'],
          },
        },
      },
      required: ['state', 'subtasks'],
    },
    annotations: { readOnlyHint: false, destructiveHint: true, openWorldHint: true },
    handler: (caller, args, tool) => {
      const request = typeof args.request === 'string' ? args.request.trim() : '';
      if (!request) return Promise.resolve(toolError('`request` must be a non-empty string'));
      return askConcierge(pipeline, conciergeUrl, caller, request, tool);
    },
  };
}

/** One ask, as `parley ask` runs it: follow the task, relay progress, answer questions by elicitation. */
async function askConcierge(
  pipeline: RequestPipeline,
  conciergeUrl: string,
  caller: Caller,
  request: string,
  tool: LocalToolContext,
): Promise<LocalToolResult> {
  const client = new RemoteAgentClient({
    url: conciergeUrl,
    fetch: tracedFetch(globalThis.fetch),
    // The caller's credential never goes on: a token for the concierge, act = the gateway.
    authorization: async () => `Bearer ${await pipeline.credentialFor(caller, conciergeUrl, { actor: GATEWAY_AGENT })}`,
  });
  const context: CallContext = { owner: GATEWAY_AGENT, caller, version: '1.0', signal: tool.signal };
  const traceId = activeTraceId();
  let message: Message = { messageId: crypto.randomUUID(), role: 'ROLE_USER', parts: [{ text: request }] };
  let taskId: string | undefined;
  let contextId: string | undefined;
  let state = 'TASK_STATE_SUBMITTED';
  let statusText = '';
  let result: AskResult | undefined;
  let progress = 0;
  for (;;) {
    for await (const event of followTask(client, message, context)) {
      const update = read(event);
      taskId = update.taskId ?? taskId;
      contextId = update.contextId ?? contextId;
      if (update.progress?.type === 'final-answer') result = update.progress.result;
      if (update.state) {
        state = update.state;
        statusText = update.text || statusText;
        if (update.text) tool.sendProgress?.({ progress: ++progress, message: update.text });
      }
    }
    if (state !== 'TASK_STATE_INPUT_REQUIRED' || !taskId) break;
    const question = statusText || 'The concierge needs more information.';
    if (!tool.elicit) return toolError(`The concierge needs an answer: ${question} (task ${taskId})`);
    const reply = await tool.elicit({
      mode: 'form',
      message: question,
      requestedSchema: {
        type: 'object',
        properties: { answer: { type: 'string', title: 'Answer' } },
        required: ['answer'],
      },
    });
    const answer = reply.action === 'accept' ? reply.content?.answer : undefined;
    if (typeof answer !== 'string' || answer.trim() === '') {
      await client.cancelTask({ id: taskId }, { ...context, signal: AbortSignal.timeout(10_000) }).catch(() => {});
      return toolError(`The concierge's question was not answered: ${question}`);
    }
    message = {
      messageId: crypto.randomUUID(),
      role: 'ROLE_USER',
      taskId,
      ...(contextId ? { contextId } : {}),
      parts: [{ text: answer }],
    };
  }
  const finalState = result?.state ?? (TERMINAL.has(state) ? state : 'TASK_STATE_FAILED');
  const answer = result?.answer ?? (statusText || `The concierge stopped without an answer (${state}).`);
  return {
    content: [{ type: 'text', text: answer }],
    structuredContent: {
      state: finalState,
      ...(taskId ? { taskId } : {}),
      ...(traceId ? { traceId } : {}),
      subtasks: (result?.outcomes ?? []).map((o) => ({
        agent: o.agent,
        status: o.status,
        ...(o.reason === undefined ? {} : { reason: o.reason }),
      })),
    },
    ...(finalState === 'TASK_STATE_COMPLETED' ? {} : { isError: true }),
  };
}

function read(event: StreamResponse) {
  if ('task' in event) {
    const { task } = event;
    return {
      taskId: task.id,
      contextId: task.contextId,
      state: task.status.state,
      text: textOf(task.status.message),
      progress: progressFromMetadata(task.metadata),
    };
  }
  if ('statusUpdate' in event) {
    const { statusUpdate } = event;
    return {
      taskId: statusUpdate.taskId,
      contextId: statusUpdate.contextId,
      state: statusUpdate.status.state,
      text: textOf(statusUpdate.status.message),
      progress:
        progressFromMetadata(statusUpdate.metadata) ?? progressFromMetadata(statusUpdate.status.message?.metadata),
    };
  }
  if ('message' in event) {
    return { taskId: event.message.taskId, state: 'TASK_STATE_COMPLETED', text: textOf(event.message) };
  }
  return { taskId: event.artifactUpdate.taskId, contextId: event.artifactUpdate.contextId };
}

function textOf(message: Message | undefined): string {
  return (message?.parts ?? []).flatMap((part) => (part.text ? [part.text] : [])).join('\n');
}

/** A tool error the model can read (not a protocol error): the call ran, the request did not get done. */
function toolError(text: string): LocalToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}
