/**
 * Builds `WWW-Authenticate` values for a protected resource; `scope`, when
 * there is no error naming one, tells the client what to ask for.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization#scope-selection-strategy
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 * @see https://www.rfc-editor.org/rfc/rfc9728#section-5.1
 */
export function bearerChallenge(
  baseUrl: string,
  resourceUrl: string,
  error?: { code: 'invalid_token' | 'invalid_request' | 'insufficient_scope'; description: string; scope?: string },
  scheme: 'Bearer' | 'DPoP' = 'Bearer',
  scope?: string,
): string {
  const parts = [`realm="parley"`];
  if (error) parts.push(`error="${error.code}"`, `error_description="${quote(error.description)}"`);
  const named = error?.scope ?? scope;
  if (named !== undefined) parts.push(`scope="${quote(named)}"`);
  parts.push(`resource_metadata="${protectedResourceMetadataUrl(baseUrl, resourceUrl)}"`);
  if (scheme === 'DPoP') parts.push('algs="ES256 EdDSA RS256 PS256"');
  return `${scheme} ${parts.join(', ')}`;
}

/** Where a resource's RFC 9728 metadata is served: the well-known path with the resource's path appended. */
export function protectedResourceMetadataUrl(baseUrl: string, resourceUrl: string): string {
  let path = '';
  try {
    path = new URL(resourceUrl).pathname.replace(/\/+$/, '');
  } catch {
    path = '';
  }
  return `${baseUrl}/.well-known/oauth-protected-resource${path}`;
}

function quote(value: string): string {
  return value.replace(/["\\]/g, '');
}
