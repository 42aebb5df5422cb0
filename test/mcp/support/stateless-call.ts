/** A JSON-RPC response as a stateless caller reads it. */
export interface RpcAnswer {
  result?: Record<string, unknown>;
  error?: { code: number; message: string };
  /** The HTTP status, `Retry-After` and `WWW-Authenticate`, besides the JSON-RPC answer. */
  http: { status: number; retryAfter: string | null; wwwAuthenticate: string | null };
}

/**
 * One raw stateless (2026-07-28) `tools/call` to `mcpUrl` with `apiKey`,
 * declaring form elicitation; `params` may carry a retry's `requestState` and
 * `inputResponses`. The JSON-RPC response, from a JSON or an SSE answer.
 */
export async function statelessToolCall(
  mcpUrl: string,
  apiKey: string,
  params: Record<string, unknown>,
): Promise<RpcAnswer> {
  const response = await fetch(mcpUrl, {
    method: 'POST',
    headers: {
      accept: 'application/json, text/event-stream',
      'content-type': 'application/json',
      'mcp-protocol-version': '2026-07-28',
      'mcp-method': 'tools/call',
      'mcp-name': String(params.name),
      authorization: `Bearer ${apiKey}`,
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: {
        ...params,
        _meta: {
          'io.modelcontextprotocol/protocolVersion': '2026-07-28',
          'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' },
          'io.modelcontextprotocol/clientCapabilities': { elicitation: { form: {} } },
        },
      },
    }),
  });
  const text = await response.text();
  const data = text.startsWith('{')
    ? text
    : (text
        .split('\n')
        .findLast((line) => line.startsWith('data:'))
        ?.slice(5) ?? '');
  return {
    ...(JSON.parse(data) as Omit<RpcAnswer, 'http'>),
    http: {
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      wwwAuthenticate: response.headers.get('www-authenticate'),
    },
  };
}
