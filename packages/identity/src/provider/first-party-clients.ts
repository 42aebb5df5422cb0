/** A client Parley itself ships (the CLI, the console): registered at start, never by a user. */
export interface FirstPartyClient {
  readonly clientId: string;
  readonly clientName: string;
  readonly grantTypes: readonly string[];
  readonly redirectUris?: readonly string[];
  /** Where RP-initiated logout may return to (OpenID RP-Initiated Logout 1.0). */
  readonly postLogoutRedirectUris?: readonly string[];
  /** `none` for a public client (no secret, RFC 8252 §8.4). */
  readonly tokenEndpointAuthMethod: 'none';
}

/** RFC 8628 grant type of the device authorization grant. */
export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/** The client_id `parley login` and `parley ask` sign in with. */
export const CLI_CLIENT_ID = 'parley-cli';

/**
 * The CLI: a public client using the device authorization grant, keeping a
 * refresh token between runs.
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1
 */
export const CLI_CLIENT: FirstPartyClient = {
  clientId: CLI_CLIENT_ID,
  clientName: 'Parley CLI',
  grantTypes: [DEVICE_CODE_GRANT, 'refresh_token'],
  tokenEndpointAuthMethod: 'none',
};

/** The oidc-provider client metadata of a first-party client. */
export function firstPartyClientMetadata(client: FirstPartyClient): Record<string, unknown> {
  const redirectUris = client.redirectUris ?? [];
  return {
    client_id: client.clientId,
    client_name: client.clientName,
    grant_types: [...client.grantTypes],
    response_types: redirectUris.length > 0 ? ['code'] : [],
    redirect_uris: [...redirectUris],
    post_logout_redirect_uris: [...(client.postLogoutRedirectUris ?? [])],
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
  };
}
