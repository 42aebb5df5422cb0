import type Provider from 'oidc-provider';
import { errors } from 'oidc-provider';
import { TokenExchangeError } from '../errors.ts';
import type { DpopProofVerifier } from '../verify/dpop-proof.ts';
import { TOKEN_EXCHANGE_GRANT, type TokenExchange } from './token-exchange.ts';

const PARAMS = [
  'subject_token',
  'subject_token_type',
  'resource',
  'audience',
  'scope',
  'requested_token_type',
  'actor_token',
  'actor_token_type',
];

/**
 * Registers RFC 8693 token exchange on the token endpoint: the client
 * authenticates as usual (private_key_jwt, client_secret_*) and is the actor.
 * @see https://www.rfc-editor.org/rfc/rfc8693#section-2.1
 */
export function registerTokenExchangeGrant(
  provider: Provider,
  exchange: TokenExchange,
  dpop: { verifier: DpopProofVerifier; tokenEndpoint: string },
): void {
  provider.registerGrantType(
    TOKEN_EXCHANGE_GRANT,
    async (ctx) => {
      const { client, params } = ctx.oidc;
      const get = (name: string) => {
        const value = (params as Record<string, unknown>)[name];
        return typeof value === 'string' && value.length > 0 ? value : undefined;
      };
      const subjectToken = get('subject_token');
      const subjectTokenType = get('subject_token_type');
      if (!subjectToken || !subjectTokenType) {
        throw new errors.InvalidRequest('subject_token and subject_token_type are required');
      }
      if (get('actor_token'))
        throw new errors.InvalidRequest('actor_token is not supported; the authenticated client is the actor');
      const requested = get('requested_token_type');
      if (requested && requested !== 'urn:ietf:params:oauth:token-type:access_token') {
        throw new errors.InvalidRequest('only access tokens can be requested');
      }
      const resource = get('resource') ?? get('audience');
      if (!resource) throw new errors.InvalidTarget('resource is required');
      // RFC 9449 section 5: a proof at the token endpoint binds the issued token to its key, and is
      // the only proof of possession a DPoP-bound subject_token gets here (the exchange demands it).
      const proof = ctx.get('DPoP');
      let jkt: string | undefined;
      if (proof) {
        try {
          jkt = await dpop.verifier.verify(proof, { method: ctx.method, url: dpop.tokenEndpoint });
        } catch (error) {
          throw new errors.InvalidDpopProof(error instanceof Error ? error.message : 'invalid DPoP proof');
        }
      }
      try {
        const result = await exchange.exchange({
          jkt,
          subjectToken,
          subjectTokenType,
          actorClientId: client.clientId,
          resource,
          scope: get('scope'),
        });
        ctx.body = {
          access_token: result.accessToken,
          issued_token_type: result.issuedTokenType,
          token_type: result.tokenType,
          expires_in: result.expiresIn,
          scope: result.scope,
        };
      } catch (error) {
        if (!(error instanceof TokenExchangeError)) throw error;
        switch (error.oauthError) {
          case 'invalid_target':
            throw new errors.InvalidTarget(error.publicMessage);
          case 'invalid_scope':
            throw new errors.InvalidScope(error.publicMessage, get('scope') ?? '');
          case 'invalid_request':
            throw new errors.InvalidRequest(error.publicMessage);
          default:
            throw new errors.InvalidGrant(error.publicMessage);
        }
      }
    },
    PARAMS,
  );
}
