import type Provider from 'oidc-provider';

/** Revokes a JWT access token if `clientId` is the client it was issued to; false otherwise. */
export type RevokeJwtAccessToken = (token: string, clientId: string) => Promise<boolean>;

/**
 * RFC 7009 revocation of Parley's JWT access tokens at the standard endpoint.
 * oidc-provider authenticates the client, then refuses structured tokens with
 * `unsupported_token_type`; this step takes over from there: the token is
 * revoked when it is ours and was issued to the authenticated client, and the
 * answer is 200 in every case (§2.2: an invalid token is no error).
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.1
 */
export function registerJwtRevocation(provider: Provider, revoke: RevokeJwtAccessToken): void {
  provider.use(async (ctx, next) => {
    await next();
    const oidc = ctx.oidc as
      | { route?: string; client?: { clientId: string }; params?: { token?: unknown } }
      | undefined;
    const body = ctx.body as { error?: unknown } | undefined;
    if (oidc?.route !== 'revocation' || !oidc.client || body?.error !== 'unsupported_token_type') return;
    await revoke(String(oidc.params?.token ?? ''), oidc.client.clientId);
    ctx.status = 200;
    ctx.body = '';
  });
}
