import type { GuardedFetch } from '@parley/core';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IdentityMesh, startIdentityMesh } from './mesh.ts';
import { Browser, claimsOf, discover, redeemCode } from './oauth.ts';

const CLIENT_ID = 'https://ide.example.test/oauth/client.json';
const REDIRECT_URI = 'http://127.0.0.1:9/callback';

describe('Client ID Metadata Documents', () => {
  let env: IdentityMesh;
  let as: oauth.AuthorizationServer;
  const fetched: string[] = [];

  beforeAll(async () => {
    // Stands in for the guarded client (`outbound`), answering for the client's host.
    const outbound = (async (input: string | URL) => {
      const url = String(input);
      fetched.push(url);
      const found = url === CLIENT_ID;
      const text = found
        ? JSON.stringify({
            client_id: CLIENT_ID,
            client_name: 'Example IDE',
            redirect_uris: [REDIRECT_URI],
            grant_types: ['authorization_code'],
            response_types: ['code'],
            token_endpoint_auth_method: 'none',
          })
        : 'not found';
      const body = new TextEncoder().encode(text) as Uint8Array<ArrayBuffer>;
      return {
        status: found ? 200 : 404,
        statusText: found ? 'OK' : 'Not Found',
        ok: found,
        headers: new Headers({ 'content-type': found ? 'application/json' : 'text/plain' }),
        url,
        redirected: false,
        streamed: false as const,
        body,
        text: () => text,
        json: () => JSON.parse(text) as unknown,
      };
    }) as GuardedFetch;
    env = await startIdentityMesh({
      before: [{ name: 'outbound', start: async (context) => void context.services.set('outbound', outbound) }],
    });
    await env.identity.createUser({ username: 'alice', password: 'correct horse battery' });
    as = await discover(env.url);
  });
  afterAll(async () => {
    await env?.close();
  });

  it('advertises support and lets a client identified by its metadata URL sign a user in', async () => {
    const metadata = (await (await fetch(`${env.url}/.well-known/oauth-authorization-server`)).json()) as Record<
      string,
      unknown
    >;
    expect(metadata.client_id_metadata_document_supported).toBe(true);
    const verifier = oauth.generateRandomCodeVerifier();
    const url = new URL(as.authorization_endpoint ?? '');
    url.search = new URLSearchParams({
      client_id: CLIENT_ID,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      scope: 'mcp:tools',
      resource: `${env.url}/mcp`,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    }).toString();
    const browser = new Browser(env.url);
    const login = await browser.go(url.href);
    expect(login.body).toContain('Example IDE');
    const consent = await browser.submit(login, 'login', { username: 'alice', password: 'correct horse battery' });
    const done = await browser.submit(consent, 'consent');
    const client = { client_id: CLIENT_ID };
    const tokens = await redeemCode(as, client, new URL(done.url), {
      state: oauth.expectNoState,
      verifier,
      redirectUri: REDIRECT_URI,
      resource: `${env.url}/mcp`,
    });
    expect(claimsOf(tokens.access_token)).toMatchObject({ sub: 'alice', client_id: CLIENT_ID, aud: `${env.url}/mcp` });
    expect(fetched).toContain(CLIENT_ID);
  });

  it('refuses a redirect URI the metadata document does not list', async () => {
    const url = new URL(as.authorization_endpoint ?? '');
    url.search = new URLSearchParams({
      client_id: CLIENT_ID,
      redirect_uri: 'http://127.0.0.1:9/evil',
      response_type: 'code',
      code_challenge: await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier()),
      code_challenge_method: 'S256',
    }).toString();
    const page = await new Browser(env.url).go(url.href);
    expect(page.response.status).toBe(400);
    expect(page.url.startsWith(env.url)).toBe(true);
  });
});
