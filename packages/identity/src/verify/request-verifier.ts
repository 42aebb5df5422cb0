import {
  AuthenticationError,
  type Caller,
  type Clock,
  type EntityRef,
  InsufficientScopeError,
  type RequestPipeline,
} from '@parley/core';
import { TokenRejectedError } from '../errors.ts';
import type { PrincipalDirectory } from '../principals/directory.ts';
import { apiKeyId, apiKeyMatches } from '../secrets/api-key-secret.ts';
import { actorChain, type VerifiedToken } from '../tokens/claims.ts';
import type { AccessTokenVerifier } from './access-token-verifier.ts';
import { bearerChallenge } from './challenge.ts';
import type { DpopProofVerifier } from './dpop-proof.ts';

type AuthRequest = Parameters<RequestPipeline['authenticate']>[0];
type AuthResource = Parameters<RequestPipeline['authenticate']>[1];

export interface RequestVerifierOptions {
  baseUrl: string;
  tokens: AccessTokenVerifier;
  directory: PrincipalDirectory;
  dpop: DpopProofVerifier;
  clock: Clock;
}

/**
 * The one request verifier every protected endpoint uses: a bearer JWT (own
 * or trusted issuer), a DPoP-bound JWT with its proof, or an API key, checked
 * for audience, expiry, revocation, disabled principals and scopes, and
 * resolved to a Caller with its actor chain.
 * @see https://www.rfc-editor.org/rfc/rfc6750
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-7
 */
export class RequestVerifier {
  readonly #options: RequestVerifierOptions;

  constructor(options: RequestVerifierOptions) {
    this.#options = options;
  }

  /** RequestPipeline['authenticate']. */
  readonly authenticate = async (request: AuthRequest, resource: AuthResource): Promise<Caller> => {
    const { baseUrl } = this.#options;
    const header = first(request.headers.authorization);
    if (!header) {
      throw new AuthenticationError('ERR_AUTH_MISSING_CREDENTIAL', 'this resource needs a bearer token or API key', {
        challenge: bearerChallenge(baseUrl, resource.url, undefined, 'Bearer', resource.scope),
      });
    }
    const space = header.indexOf(' ');
    const scheme = space > 0 ? header.slice(0, space).toLowerCase() : '';
    const credential = space > 0 ? header.slice(space + 1).trim() : '';
    if ((scheme !== 'bearer' && scheme !== 'dpop') || credential.length === 0) {
      throw new AuthenticationError(
        'ERR_AUTH_MALFORMED_CREDENTIAL',
        'the Authorization header is not a bearer credential',
        {
          challenge: bearerChallenge(baseUrl, resource.url, {
            code: 'invalid_request',
            description: 'the Authorization header is not a bearer credential',
          }),
          oauthError: 'invalid_request',
        },
      );
    }
    let caller: Caller;
    try {
      caller =
        apiKeyId(credential) !== undefined
          ? this.#fromApiKey(credential, resource.url)
          : await this.#fromToken(credential, scheme, request, resource.url);
    } catch (error) {
      if (!(error instanceof TokenRejectedError)) throw error;
      throw new AuthenticationError(error.code as `ERR_AUTH_${string}`, error.message, {
        challenge: bearerChallenge(
          baseUrl,
          resource.url,
          { code: 'invalid_token', description: error.message },
          scheme === 'dpop' ? 'DPoP' : 'Bearer',
        ),
        oauthError: 'invalid_token',
        cause: error,
      });
    }
    const missing = (resource.requiredScopes ?? []).filter((scope) => !caller.scopes.includes(scope));
    if (missing.length > 0) {
      const needed = (resource.requiredScopes ?? []).join(' ');
      throw new InsufficientScopeError(`this operation needs the scope ${needed}`, {
        challenge: bearerChallenge(baseUrl, resource.url, {
          code: 'insufficient_scope',
          description: `this operation needs the scope ${needed}`,
          scope: needed,
        }),
        requiredScopes: resource.requiredScopes ?? [],
      });
    }
    return caller;
  };

  /** Verifies an API key for `resourceUrl` (undefined: any resource); returns its caller. */
  verifyApiKey(key: string, resourceUrl: string | undefined): Caller {
    return this.#fromApiKey(key, resourceUrl);
  }

  #fromApiKey(key: string, resourceUrl: string | undefined): Caller {
    const { directory, clock } = this.#options;
    const id = apiKeyId(key) ?? '';
    const record = directory.apiKey(id);
    if (!record || !apiKeyMatches(key, record.secretHash)) {
      throw new TokenRejectedError('ERR_AUTH_UNKNOWN_KEY', 'the API key is not valid');
    }
    if (record.revokedAt !== null) throw new TokenRejectedError('ERR_AUTH_KEY_REVOKED', 'the API key was revoked');
    if (record.expiresAt !== null && record.expiresAt <= clock.now()) {
      throw new TokenRejectedError('ERR_AUTH_KEY_EXPIRED', 'the API key has expired');
    }
    if (resourceUrl !== undefined && record.resources.length > 0 && !record.resources.includes(resourceUrl)) {
      throw new TokenRejectedError('ERR_AUTH_WRONG_AUDIENCE', `the API key is not valid for ${resourceUrl}`);
    }
    const principal = directory.principal(record.principal);
    if (!principal || principal.disabled) {
      throw new TokenRejectedError('ERR_AUTH_PRINCIPAL_DISABLED', 'the API key belongs to a disabled principal');
    }
    directory.noteApiKeyUse(record.id);
    const entity: EntityRef = { type: principal.kind === 'user' ? 'User' : 'Agent', id: principal.name };
    return {
      principal: entity,
      onBehalfOf: principal.kind === 'user' ? entity : undefined,
      actorChain: [],
      roles: principal.roles,
      clientId: principal.clientId ?? undefined,
      scopes: record.scopes,
      credential: 'api-key',
      credentialId: record.id,
      bearer: key,
      expiresAt: record.expiresAt ?? undefined,
    };
  }

  async #fromToken(token: string, scheme: string, request: AuthRequest, resourceUrl: string): Promise<Caller> {
    const { tokens, dpop, baseUrl } = this.#options;
    const verified = await tokens.verify(token, resourceUrl);
    if (verified.jkt !== undefined) {
      const proof = first(request.headers.dpop);
      if (scheme !== 'dpop' || !proof) {
        throw new TokenRejectedError(
          'ERR_AUTH_INVALID_DPOP_PROOF',
          'the access token is DPoP-bound and needs a DPoP proof',
        );
      }
      const url = request.url.startsWith('/') ? `${baseUrl}${request.url}` : request.url;
      await dpop.verify(proof, { method: request.method, url }, { accessToken: token, jkt: verified.jkt });
    }
    return this.callerFor(verified, token);
  }

  /** Resolves a verified token to a Caller, refusing revoked tokens and disabled principals. */
  callerFor(verified: VerifiedToken, token: string): Caller {
    const { directory } = this.#options;
    if (directory.isTokenRevoked(verified.jti)) {
      throw new TokenRejectedError('ERR_AUTH_TOKEN_REVOKED', 'the access token was revoked');
    }
    if (verified.grantId !== undefined && directory.isGrantRevoked(verified.grantId)) {
      throw new TokenRejectedError('ERR_AUTH_TOKEN_REVOKED', 'the grant the access token was issued under was revoked');
    }
    const chain = actorChain(verified.act);
    const subjectName = verified.externalUsername ?? verified.subject;
    const subject = directory.principal(subjectName) ?? directory.principalByClientId(subjectName);
    for (const name of [subjectName, ...chain, verified.clientId]) {
      if (name === undefined) continue;
      const principal = directory.principal(name) ?? directory.principalByClientId(name);
      if (principal?.disabled) {
        throw new TokenRejectedError('ERR_AUTH_PRINCIPAL_DISABLED', `the principal ${principal.name} is disabled`);
      }
    }
    const subjectEntity: EntityRef = subject
      ? { type: subject.kind === 'user' ? 'User' : 'Agent', id: subject.name }
      : { type: verified.externalUsername ? 'User' : 'Client', id: subjectName };
    const immediate = chain[0];
    const actor =
      immediate === undefined
        ? undefined
        : (directory.principal(immediate) ?? directory.principalByClientId(immediate));
    const principal: EntityRef =
      immediate === undefined
        ? subjectEntity
        : { type: actor?.kind === 'agent' ? 'Agent' : 'Client', id: actor?.name ?? immediate };
    const roles = immediate === undefined ? (subject?.roles ?? []) : (actor?.roles ?? []);
    return {
      principal,
      onBehalfOf: subjectEntity.type === 'User' ? subjectEntity : undefined,
      actorChain: chain,
      roles,
      clientId: verified.clientId,
      scopes: verified.scopes,
      credential: verified.externalUsername === undefined ? 'access-token' : 'external-token',
      credentialId: verified.jti,
      bearer: token,
      expiresAt: verified.expiresAt,
    };
  }
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
