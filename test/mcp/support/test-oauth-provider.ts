import { expect } from 'vitest';
import { Browser } from '../../identity/oauth.ts';
import type { McpMesh } from './mesh.ts';

export const REDIRECT_URI = 'http://127.0.0.1:9/callback';

/** What both SDK generations' providers have in common; the browser part is the test's user. */
export class TestOAuthProvider {
  clientInfo: Record<string, unknown> | undefined;
  savedTokens: { access_token: string; token_type: string } | undefined;
  verifier = '';
  callback: URL | undefined;
  discovery: unknown;
  readonly visited: string[] = [];

  readonly mesh: McpMesh;
  readonly clientName: string;

  constructor(mesh: McpMesh, clientName: string) {
    this.mesh = mesh;
    this.clientName = clientName;
  }

  get redirectUrl(): string {
    return REDIRECT_URI;
  }
  get clientMetadata() {
    return {
      client_name: this.clientName,
      redirect_uris: [REDIRECT_URI],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }
  clientInformation() {
    return this.clientInfo;
  }
  saveClientInformation(info: Record<string, unknown>) {
    this.clientInfo = info;
  }
  tokens() {
    return this.savedTokens;
  }
  saveTokens(tokens: { access_token: string; token_type: string }) {
    this.savedTokens = tokens;
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
  discoveryState() {
    return this.discovery;
  }
  saveDiscoveryState(state: unknown) {
    this.discovery = state;
  }

  /** The user: signs in as alice on Parley's login page and approves the consent page. */
  async redirectToAuthorization(url: URL): Promise<void> {
    this.visited.push(url.href);
    const browser = new Browser(this.mesh.url);
    const login = await browser.go(url.href);
    expect(login.body).toContain('name="username"');
    const consent = await browser.submit(login, 'login', {
      username: this.mesh.alice.username,
      password: this.mesh.alice.password,
    });
    expect(consent.body).toContain(this.clientName);
    const done = await browser.submit(consent, 'consent');
    expect(done.url.startsWith(REDIRECT_URI)).toBe(true);
    this.callback = new URL(done.url);
  }
}
