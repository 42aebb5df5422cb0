import {
  Client as ClientV2,
  type OAuthClientProvider as OAuthClientProviderV2,
  StreamableHTTPClientTransport as StreamableHTTPClientTransportV2,
  UnauthorizedError as UnauthorizedErrorV2,
} from '@modelcontextprotocol/client';
import type { OAuthClientProvider as OAuthClientProviderV1 } from '@modelcontextprotocol/sdk/client/auth.js';
import { UnauthorizedError as UnauthorizedErrorV1 } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as StreamableHTTPClientTransportV1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type McpMesh, startEverythingMesh } from './support/mesh.ts';
import { TestOAuthProvider } from './support/test-oauth-provider.ts';

/*
 * The official SDK clients, v2 (@modelcontextprotocol/client) and v1
 * (@modelcontextprotocol/sdk), each with nothing but its own OAuth client
 * provider, against the real mesh: 401 → RFC 9728 metadata → authorization
 * server metadata → dynamic client registration → authorization code + PKCE
 * through Parley's login and consent pages → token → a permitted tools/call.
 * The provider's `redirectToAuthorization` is the "browser": it signs alice in
 * and consents, and keeps the callback URL for `finishAuth`.
 */

describe('the official SDK clients through the full OAuth flow against the gateway', () => {
  let mesh: McpMesh;

  beforeAll(async () => {
    mesh = await startEverythingMesh();
  }, 60_000);
  afterAll(async () => {
    await mesh?.close();
  });

  it('a request without a token is challenged with the protected-resource metadata URL', async () => {
    const response = await fetch(mesh.mcpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain(
      `resource_metadata="${mesh.url}/.well-known/oauth-protected-resource/mcp"`,
    );
  });

  it('v2 (@modelcontextprotocol/client) discovers, registers, signs in with code + PKCE and calls a tool', async () => {
    const provider = new TestOAuthProvider(mesh, 'SDK v2 test client');
    const oauthProvider = provider as unknown as OAuthClientProviderV2;
    const first = new ClientV2({ name: 'parley-oauth-v2', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransportV2(new URL(mesh.mcpUrl), {
      authProvider: oauthProvider,
    });
    await expect(first.connect(transport)).rejects.toBeInstanceOf(UnauthorizedErrorV2);
    expectAuthorizationRequest(provider);

    await transport.finishAuth(provider.callback?.searchParams ?? new URLSearchParams());
    expect(provider.savedTokens?.access_token).toBeTruthy();

    const client = new ClientV2({ name: 'parley-oauth-v2', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransportV2(new URL(mesh.mcpUrl), {
        authProvider: oauthProvider,
      }),
    );
    const result = await client.callTool({ name: 'everything.test_simple_text', arguments: {} });
    expect(result.isError).toBeFalsy();
    expect(JSON.stringify(result.content)).toContain('simple text response');
    await client.close();
  });

  it('v1 (@modelcontextprotocol/sdk) discovers, registers, signs in with code + PKCE and calls a tool', async () => {
    const provider = new TestOAuthProvider(mesh, 'SDK v1 test client');
    const oauthProvider = provider as unknown as OAuthClientProviderV1;
    const first = new ClientV1({ name: 'parley-oauth-v1', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransportV1(new URL(mesh.mcpUrl), {
      authProvider: oauthProvider,
    });
    await expect(first.connect(transport)).rejects.toBeInstanceOf(UnauthorizedErrorV1);
    expectAuthorizationRequest(provider);

    await transport.finishAuth(provider.callback?.searchParams.get('code') ?? '');
    expect(provider.savedTokens?.access_token).toBeTruthy();

    const client = new ClientV1({ name: 'parley-oauth-v1', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransportV1(new URL(mesh.mcpUrl), {
        authProvider: oauthProvider,
      }),
    );
    const result = await client.callTool({ name: 'everything.test_simple_text', arguments: {} });
    expect(result.isError).toBeFalsy();
    expect(JSON.stringify(result.content)).toContain('simple text response');
    await client.close();
  });

  /** The client found Parley's authorization endpoint, registered, and asked for code + PKCE for `/mcp`. */
  function expectAuthorizationRequest(provider: TestOAuthProvider): void {
    expect(provider.clientInfo?.client_id).toBeTruthy();
    const [visited] = provider.visited;
    expect(visited).toBeDefined();
    const url = new URL(visited ?? '');
    expect(url.origin).toBe(new URL(mesh.url).origin);
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('resource')).toBe(mesh.mcpUrl);
    expect(provider.callback?.searchParams.get('code')).toBeTruthy();
  }
});
