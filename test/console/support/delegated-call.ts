import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { JWK } from 'jose';
import { discover, privateKeyJwt, tokenExchangeRequest } from '../../identity/oauth.ts';

interface DevCredentials {
  users: Array<{ username: string; password: string; apiKey: string }>;
  agents: Array<{ name: string; clientId: string; privateJwk: JWK | null }>;
}

/** `<dataDir>/dev-credentials.json`, which `parley dev` writes. */
export function devCredentials(dataDir: string): DevCredentials {
  return JSON.parse(readFileSync(join(dataDir, 'dev-credentials.json'), 'utf8')) as DevCredentials;
}

/**
 * An MCP client acting as `agent` on behalf of `user`: the agent exchanges the
 * user's API key (RFC 8693) for a token for the gateway, as a demo agent does.
 */
export async function delegatedMcpClient(url: string, dataDir: string, agent: string, user = 'alice') {
  const credentials = devCredentials(dataDir);
  const apiKey = credentials.users.find((u) => u.username === user)?.apiKey;
  const jwk = credentials.agents.find((a) => a.name === agent)?.privateJwk;
  if (!apiKey || !jwk) throw new Error(`no dev credentials for ${user} or ${agent}`);
  const as = await discover(url);
  const response = await tokenExchangeRequest(as, agent, await privateKeyJwt(jwk), {
    subjectToken: apiKey,
    subjectTokenType: 'urn:parley:params:oauth:token-type:api-key',
    resource: `${url}/mcp`,
  });
  const body = (await response.json()) as { access_token?: string; error_description?: string };
  if (!body.access_token) throw new Error(`token exchange failed: ${response.status} ${body.error_description}`);
  const client = new Client({ name: `${agent}-for-${user}`, version: '1' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${url}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${body.access_token}` } },
    }),
  );
  return client;
}
