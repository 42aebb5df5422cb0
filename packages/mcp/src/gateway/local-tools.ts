import type {
  CallToolResult,
  ElicitRequestFormParams,
  ElicitResult,
  Progress,
  Tool,
} from '@modelcontextprotocol/server';
import type { Caller } from '@parley/core';

/** What a built-in tool's handler returns: an MCP CallToolResult. */
export type LocalToolResult = CallToolResult;

/** What a built-in tool's handler may use while it runs, relayed to the one caller whose call it serves. */
export interface LocalToolContext {
  /** Aborts when the caller cancels the request or its connection goes away. */
  readonly signal: AbortSignal;
  /** Present when the caller sent a `progressToken`. */
  readonly sendProgress?: (progress: Progress) => void;
  /** Present when the caller's client supports form-mode elicitation. */
  readonly elicit?: (params: ElicitRequestFormParams) => Promise<ElicitResult>;
}

/** A tool implemented by Parley itself; the gateway exposes it as `<server>.<name>`. */
export interface LocalTool {
  readonly name: string;
  readonly title?: string;
  readonly description: string;
  readonly inputSchema: Tool['inputSchema'];
  readonly outputSchema?: Tool['outputSchema'];
  readonly annotations?: Tool['annotations'];
  /** The forward step of the pipeline: runs only after policy (and any approval) allowed the call. */
  handler(caller: Caller, args: Record<string, unknown>, context: LocalToolContext): Promise<LocalToolResult>;
}

/**
 * Built-in tools under one server name (`mesh`): listed and decided like
 * upstream tools (`Tool::"mesh.delegate"` in `McpServer::"mesh"`), not pinned,
 * since they are Parley's own code.
 */
export interface LocalToolProvider {
  readonly server: string;
  readonly tools: readonly LocalTool[];
}

/** The tool definition `tools/list` shows for a built-in tool. */
export function localToolDefinition(tool: LocalTool, exposedName: string): Tool {
  return {
    name: exposedName,
    ...(tool.title === undefined ? {} : { title: tool.title }),
    description: tool.description,
    inputSchema: tool.inputSchema,
    ...(tool.outputSchema === undefined ? {} : { outputSchema: tool.outputSchema }),
    ...(tool.annotations === undefined ? {} : { annotations: tool.annotations }),
  };
}
