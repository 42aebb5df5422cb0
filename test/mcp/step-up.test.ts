import {
  Client,
  type OAuthClientProvider,
  StreamableHTTPClientTransport,
  UnauthorizedError,
} from '@modelcontextprotocol/client';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type McpMesh, startEverythingMesh } from './support/mesh.ts';
import { statelessToolCall } from './support/stateless-call.ts';
import { TestOAuthProvider } from './support/test-oauth-provider.ts';

const WRITE_SCOPE = 'everything:write';

/*
 * Step-up authorization: a tool whose server lists it in `toolScopes` needs
 * that scope; a token without it gets 403 with an `insufficient_scope`
 * challenge naming only what the call needs, and a standard client
 * re-authorizes for it and retries.
 * https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization#scope-challenge-handling
 */
describe('403 insufficient_scope and step-up for tools that need a scope', () => {
  let m: McpMesh;

  beforeAll(async () => {
    m = await startEverythingMesh({ toolScopes: { test_simple_text: [WRITE_SCOPE] } });
  });

  afterAll(async () => {
    await m?.close();
  });

  const call = (key: string, tool: string) => statelessToolCall(m.mcpUrl, key, { name: tool, arguments: {} });

  it('advertises the scopes: mcp in the 401 challenge, every tool scope in the metadata', async () => {
    const unauthenticated = await fetch(m.mcpUrl, { method: 'POST', body: '{}' });
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get('www-authenticate')).toContain('scope="mcp"');
    const resource = (await (await fetch(`${m.url}/.well-known/oauth-protected-resource/mcp`)).json()) as {
      scopes_supported: string[];
    };
    expect(resource.scopes_supported).toEqual(['mcp', WRITE_SCOPE]);
    const server = (await (await fetch(`${m.url}/.well-known/oauth-authorization-server`)).json()) as {
      scopes_supported: string[];
    };
    expect(server.scopes_supported).toContain(WRITE_SCOPE);
  });

  it("answers a call without the tool's scope with 403 naming only that scope", async () => {
    const refused = await call(m.alice.apiKey, 'everything.test_simple_text');
    expect(refused.http.status).toBe(403);
    const challenge = refused.http.wwwAuthenticate ?? '';
    expect(challenge).toMatch(/^Bearer /);
    expect(challenge).toContain('error="insufficient_scope"');
    expect(challenge).toContain(`scope="${WRITE_SCOPE}"`);
    expect(challenge).toContain(`resource_metadata="${m.url}/.well-known/oauth-protected-resource/mcp"`);
    expect(refused.error?.message).toContain(WRITE_SCOPE);

    // Other tools of the server need no more than before; a key that carries the scope calls the tool.
    expect((await call(m.alice.apiKey, 'everything.test_image_content')).http.status).toBe(200);
    const { key } = await m.identity.createApiKey({ principal: 'alice', scopes: ['mcp', WRITE_SCOPE] });
    const granted = await call(key, 'everything.test_simple_text');
    expect(granted.http.status).toBe(200);
    expect(JSON.stringify(granted.result)).toContain('This is a simple text response for testing.');
  });

  it('the official client signs in for mcp, steps up for the tool scope on 403, and calls the tool', async () => {
    const provider = new TestOAuthProvider(m, 'Step-up test client');
    const authProvider = provider as unknown as OAuthClientProvider;
    const connect = async () => {
      const client = new Client({ name: 'step-up', version: '1.0.0' });
      const transport = new StreamableHTTPClientTransport(new URL(m.mcpUrl), { authProvider });
      await client.connect(transport);
      return { client, transport };
    };
    const signIn = async () => {
      const transport = new StreamableHTTPClientTransport(new URL(m.mcpUrl), { authProvider });
      await transport.finishAuth(provider.callback?.searchParams ?? new URLSearchParams());
    };

    await expect(connect()).rejects.toBeInstanceOf(UnauthorizedError);
    // What the 401 challenge named (the SDK adds offline_access, which the authorization server offers).
    const asked = new URL(provider.visited[0] ?? '').searchParams.get('scope')?.split(' ') ?? [];
    expect(asked).toContain('mcp');
    expect(asked).not.toContain(WRITE_SCOPE);
    await signIn();
    const first = decodeJwt(provider.savedTokens?.access_token ?? '');
    expect(String(first.scope).split(' ')).not.toContain(WRITE_SCOPE);

    const { client } = await connect();
    const tools = await client.listTools();
    expect(tools.tools.map((t) => t.name)).toContain('everything.test_simple_text');
    // The call is refused with the challenge; the client goes back to the authorization server for the union.
    await expect(client.callTool({ name: 'everything.test_simple_text', arguments: {} })).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
    const stepUp = new URL(provider.visited[1] ?? '');
    expect(stepUp.searchParams.get('scope')?.split(' ')).toEqual(expect.arrayContaining(['mcp', WRITE_SCOPE]));
    await signIn();
    expect(String(decodeJwt(provider.savedTokens?.access_token ?? '').scope).split(' ')).toContain(WRITE_SCOPE);
    await client.close();

    const { client: again } = await connect();
    const result = await again.callTool({ name: 'everything.test_simple_text', arguments: {} });
    expect(JSON.stringify(result.content)).toContain('simple text response');
    await again.close();
  });
});
