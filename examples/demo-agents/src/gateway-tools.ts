import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { AgentContext } from '@parley/a2a';
import type { FetchFunction } from '@parley/core';

/** A tool call's result as the demo agents use it. */
export interface ToolResult {
  readonly structured: Record<string, unknown> | undefined;
  readonly text: string;
}

/** Where the gateway is, and the fetch that reaches it (carrying trace context). */
export interface Gateway {
  readonly url: string;
  readonly fetch: FetchFunction;
}

/** The tools an agent reaches through the gateway, for the task at hand. */
export interface GatewayTools {
  call(name: string, args: Record<string, unknown>): Promise<ToolResult>;
  /** Reads a resource's text content (JSON resources are parsed by the caller). */
  read(uri: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Connects to Parley's MCP gateway on behalf of the task's caller: the token
 * is exchanged for the gateway's audience with this agent as actor (never the
 * caller's own token). The client accepts URL elicitation, so a tool call held
 * for a human approval puts the A2A task in TASK_STATE_AUTH_REQUIRED until the
 * approval is decided.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/client/elicitation#url-mode-elicitation-requests
 */
export async function openGatewayTools(context: AgentContext, gateway: Gateway): Promise<GatewayTools> {
  const token = await context.credentialFor(gateway.url);
  const client = new Client(
    { name: 'parley-demo-agent', version: '0.1.0' },
    // URL elicitation is a 2025-11-25 session feature, so the agent keeps a session.
    { capabilities: { elicitation: { url: {} } }, versionNegotiation: { mode: 'legacy' } },
  );
  let onApproval: ((approval: { id: string; url: string }) => void) | undefined;
  client.setRequestHandler('elicitation/create', async (request) => {
    const params = request.params as { mode?: string; url?: string; elicitationId?: string };
    if (params.mode === 'url' && params.url && params.elicitationId) {
      onApproval?.({ id: params.elicitationId, url: params.url });
      return { action: 'accept' };
    }
    return { action: 'decline' };
  });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(gateway.url), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
      fetch: gateway.fetch as typeof fetch,
    }),
  );
  return {
    async call(name, args) {
      const approvalSeen = new Promise<{ id: string; url: string }>((resolve) => {
        onApproval = resolve;
      });
      const call = client.callTool({ name, arguments: args }, { signal: context.signal, timeout: 15 * 60_000 });
      const first = await Promise.race([call.then(() => undefined), approvalSeen]);
      const result = first ? await context.awaitAuthorization(first, call) : await call;
      onApproval = undefined;
      const text = (result.content as Array<{ type: string; text?: string }> | undefined)
        ?.filter((item) => item.type === 'text')
        .map((item) => item.text ?? '')
        .join('\n');
      if (result.isError) throw new Error(text || `${name} failed`);
      return { structured: result.structuredContent as Record<string, unknown> | undefined, text: text ?? '' };
    },
    async read(uri) {
      const result = await client.readResource({ uri }, { signal: context.signal });
      return result.contents.map((item) => ('text' in item ? item.text : '')).join('');
    },
    close: () => client.close(),
  };
}
