/** What the server tells the console about signing in (`/console/config.json`). */
export interface ConsoleConfig {
  readonly issuer: string;
  readonly clientId: string;
  readonly redirectUri: string;
  /** Where the authorization server's sign-out returns to. */
  readonly postLogoutRedirectUri: string;
  /** The RFC 8707 resource the access token is for: the admin API. */
  readonly resource: string;
}

/** The authorization server metadata the console uses. */
export interface AuthorizationServer {
  readonly issuer: string;
  readonly authorization_endpoint: string;
  readonly token_endpoint: string;
  readonly revocation_endpoint?: string;
  readonly end_session_endpoint?: string;
}

let loaded: Promise<{ config: ConsoleConfig; server: AuthorizationServer }> | undefined;

/**
 * The console's configuration and its issuer's metadata, fetched once.
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3
 */
export function loadAuthConfig(): Promise<{ config: ConsoleConfig; server: AuthorizationServer }> {
  loaded ??= (async () => {
    const config = (await (await fetch('/console/config.json')).json()) as ConsoleConfig;
    const response = await fetch(`${config.issuer}/.well-known/oauth-authorization-server`);
    const server = (await response.json()) as AuthorizationServer;
    // RFC 8414 section 3.3: the metadata must name the issuer we asked.
    if (server.issuer !== config.issuer) throw new Error(`issuer mismatch: ${server.issuer}`);
    return { config, server };
  })();
  loaded.catch(() => {
    loaded = undefined;
  });
  return loaded;
}
