import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { everythingEntry } from '@parley/example-mcp-everything';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alicePolicy, type McpMesh, startMcpMesh } from './support/mesh.ts';
import { statelessToolCall } from './support/stateless-call.ts';

/*
 * Elicitation and sampling between a stateless (2026-07-28) caller and an
 * upstream that asks on the call's stream (the everything server over stdio,
 * a 2025-era session). The caller is the official SDK client, which answers
 * `input_required` results with its own handlers and retries; the gateway
 * holds the upstream call open in between.
 */
describe('input requests of a 2025-era upstream, for a stateless caller', () => {
  let mesh: McpMesh;
  let bobKey: string;

  const callerFor = async (apiKey: string, capabilities: Record<string, unknown>) => {
    const client = new Client(
      { name: 'stateless', version: '1' },
      { capabilities, versionNegotiation: { mode: 'auto' } },
    );
    await client.connect(
      new StreamableHTTPClientTransport(new URL(mesh.mcpUrl), {
        requestInit: { headers: { authorization: `Bearer ${apiKey}` } },
      }),
    );
    expect(client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
    return client;
  };

  /** One raw stateless tools/call, as alice or bob, optionally a retry; the JSON-RPC response. */
  const rawCall = (apiKey: string, params: Record<string, unknown>) => statelessToolCall(mesh.mcpUrl, apiKey, params);

  beforeAll(async () => {
    mesh = await startMcpMesh({
      servers: [{ name: 'everything', command: process.execPath, args: [everythingEntry, '--stdio'] }],
      policy: `${alicePolicy(['everything'])}
@id("test-bob-everything") permit (principal == User::"bob", action, resource in McpServer::"everything");`,
      mcp: { approvalWait: '2s' },
    });
    await mesh.identity.createUser({ username: 'bob' });
    bobKey = (await mesh.identity.createApiKey({ principal: 'bob', scopes: ['mcp'] })).key;
  }, 60_000);
  afterAll(async () => {
    await mesh?.close();
  });

  it("asks the caller what the upstream asks, and gives the upstream the caller's answer", async () => {
    const client = await callerFor(mesh.alice.apiKey, { elicitation: { form: {} }, sampling: {} });
    const asked: unknown[] = [];
    client.setRequestHandler('elicitation/create', async (request) => {
      asked.push(request.params);
      return { action: 'accept', content: { username: 'alice', email: 'alice@example.com' } };
    });
    client.setRequestHandler('sampling/createMessage', async () => ({
      model: 'test-model',
      role: 'assistant',
      content: { type: 'text', text: 'Paris' },
    }));
    const elicited = await client.callTool({ name: 'everything.test_elicitation', arguments: { message: 'Who?' } });
    expect(asked).toMatchObject([{ message: 'Who?' }]);
    expect(elicited.content).toEqual([
      {
        type: 'text',
        text: 'User response: action=accept, content={"username":"alice","email":"alice@example.com"}',
      },
    ]);
    const sampled = await client.callTool({ name: 'everything.test_sampling', arguments: { prompt: 'Capital?' } });
    expect(sampled.content).toEqual([{ type: 'text', text: 'LLM response: Paris' }]);
    await client.close();
  });

  it('does the same for a prompt that asks before it is built', async () => {
    const client = await callerFor(mesh.alice.apiKey, { elicitation: { form: {} } });
    client.setRequestHandler('elicitation/create', async () => ({ action: 'accept', content: { context: 'travel' } }));
    const prompt = await client.getPrompt({ name: 'everything.test_input_required_result_prompt' });
    expect(prompt.messages).toEqual([
      { role: 'user', content: { type: 'text', text: 'Prompt built for context: travel' } },
    ]);
    await client.close();
  });

  it('declines for a caller that cannot be asked, without asking', async () => {
    const client = await callerFor(mesh.alice.apiKey, {});
    const result = await client.callTool({ name: 'everything.test_elicitation', arguments: { message: 'Who?' } });
    expect(result.content).toEqual([{ type: 'text', text: 'User response: action=decline, content={}' }]);
    await client.close();
  });

  it('lets only the caller that was asked answer, and not after the wait is over', async () => {
    const first = await rawCall(mesh.alice.apiKey, {
      name: 'everything.test_elicitation',
      arguments: { message: 'Who?' },
    });
    expect(first.result).toMatchObject({ resultType: 'input_required' });
    const { inputRequests, requestState } = first.result as {
      inputRequests: Record<string, { method: string }>;
      requestState: string;
    };
    const [key] = Object.keys(inputRequests);
    expect(inputRequests[key ?? '']?.method).toBe('elicitation/create');
    const answer = { inputResponses: { [key ?? '']: { action: 'accept', content: { username: 'mallory' } } } };
    const retry = { name: 'everything.test_elicitation', arguments: { message: 'Who?' }, requestState, ...answer };
    // Bob holds alice's requestState: refused, and alice's flow is untouched.
    expect((await rawCall(bobKey, retry)).error?.message).toMatch(/unknown or expired/);
    // Another tool cannot continue it either.
    expect((await rawCall(mesh.alice.apiKey, { ...retry, name: 'everything.test_sampling' })).error).toBeDefined();
    // Past the wait (mcp.approvalWait, 2 s here) the flow is gone and the upstream call cancelled.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect((await rawCall(mesh.alice.apiKey, retry)).error?.message).toMatch(/unknown or expired/);
  });
});
