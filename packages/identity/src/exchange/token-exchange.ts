import type { Caller, Clock, EventBus, Logger } from '@parley/core';
import { TokenExchangeError, TokenRejectedError } from '../errors.ts';
import type { SigningKeyRing } from '../keys/signing-keys.ts';
import type { PrincipalDirectory } from '../principals/directory.ts';
import type { ResourceRegistry } from '../resources/resource-registry.ts';
import { apiKeyId } from '../secrets/api-key-secret.ts';
import { actClaim, GRANT_CLAIM } from '../tokens/claims.ts';
import { newJti, signRs256 } from '../tokens/compact-jwt.ts';
import type { AccessTokenVerifier } from '../verify/access-token-verifier.ts';
import type { RequestVerifier } from '../verify/request-verifier.ts';

/** RFC 8693 token type identifiers Parley accepts as subject tokens. */
export const TOKEN_TYPE = {
  accessToken: 'urn:ietf:params:oauth:token-type:access_token',
  jwt: 'urn:ietf:params:oauth:token-type:jwt',
  apiKey: 'urn:parley:params:oauth:token-type:api-key',
} as const;

/** The RFC 8693 grant type. */
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';

/** Topic on which every completed exchange is announced (audit listens). */
export const TOKEN_EXCHANGED_TOPIC = 'identity.token-exchanged';

export interface TokenExchangeRequest {
  readonly subjectToken: string;
  readonly subjectTokenType: string;
  /** The authenticated client acting (it becomes the new `act.sub`). */
  readonly actorClientId: string;
  /** The RFC 8707 resource the new token is for. */
  readonly resource: string;
  /** Space-delimited; may only narrow the subject's scopes. */
  readonly scope?: string | undefined;
  /**
   * RFC 9449: the key thumbprint of the verified DPoP proof that came with the
   * request. The new token is bound to it, and a DPoP-bound subject_token is
   * exchanged only with a proof by its own key.
   */
  readonly jkt?: string | undefined;
  /**
   * The caller already verified the DPoP proof of the subject_token (an
   * in-process exchange of a request the RequestVerifier authenticated), so no
   * proof is asked for here. Never set for token endpoint requests.
   */
  readonly possessionProven?: boolean | undefined;
}

export interface TokenExchangeResult {
  readonly accessToken: string;
  readonly issuedTokenType: typeof TOKEN_TYPE.accessToken;
  readonly tokenType: 'Bearer' | 'DPoP';
  /** Seconds. */
  readonly expiresIn: number;
  readonly scope: string;
  readonly jti: string;
  readonly actorChain: readonly string[];
}

export interface TokenExchangeOptions {
  issuer: string;
  keys: SigningKeyRing;
  tokens: AccessTokenVerifier;
  requests: RequestVerifier;
  directory: PrincipalDirectory;
  resources: ResourceRegistry;
  clock: Clock;
  bus: EventBus;
  logger: Logger;
  accessTokenTtlMs: number;
  maxDelegationDepth: number;
}

interface Subject {
  readonly caller: Caller;
  /** The grant of the subject token, passed on so the exchanged token dies with it. */
  readonly grantId?: string | undefined;
  readonly subject: string;
  readonly audiences: readonly string[];
  readonly boundResources: readonly string[];
  /** RFC 9449 `cnf.jkt` of a sender-constrained subject_token. */
  readonly jkt?: string | undefined;
}

/**
 * OAuth 2.0 Token Exchange: the subject's token plus the acting client give
 * a token for one resource, `act` naming the actor (nested on each hop),
 * scopes only narrowing, depth bounded. Used by the HTTP grant and in process.
 * @see https://www.rfc-editor.org/rfc/rfc8693#section-2
 */
export class TokenExchange {
  readonly #options: TokenExchangeOptions;

  constructor(options: TokenExchangeOptions) {
    this.#options = options;
  }

  async exchange(request: TokenExchangeRequest): Promise<TokenExchangeResult> {
    const subject = await this.#resolveSubject(request);
    this.#possessionCheck(request, subject);
    const actor = this.#actorCheck(request.actorClientId);
    const target = this.#targetCheck(request.resource, subject);
    this.#mayActCheck(actor, subject, request);
    const chain = this.#delegationChain(actor, subject);
    const scopes = this.#narrowScopes(request.scope, subject, target.scopes);
    return this.#issue(request, subject, target.url, chain, scopes);
  }

  async #resolveSubject(request: TokenExchangeRequest): Promise<Subject> {
    const { tokens, requests, directory } = this.#options;
    try {
      if (request.subjectTokenType === TOKEN_TYPE.apiKey) {
        if (apiKeyId(request.subjectToken) === undefined)
          throw new TokenRejectedError('ERR_AUTH_MALFORMED_TOKEN', 'not an API key');
        const caller = requests.verifyApiKey(request.subjectToken, undefined);
        const record = directory.apiKey(caller.credentialId);
        return { caller, subject: caller.principal.id, audiences: [], boundResources: record?.resources ?? [] };
      }
      if (request.subjectTokenType !== TOKEN_TYPE.accessToken && request.subjectTokenType !== TOKEN_TYPE.jwt) {
        throw new TokenExchangeError(
          'invalid_request',
          'ERR_EXCHANGE_UNSUPPORTED_TOKEN_TYPE',
          'unsupported subject_token_type',
        );
      }
      const verified = await tokens.verify(request.subjectToken);
      const caller = requests.callerFor(verified, request.subjectToken);
      return {
        caller,
        subject: verified.externalUsername ?? verified.subject,
        audiences: verified.audience,
        boundResources: [],
        grantId: verified.grantId,
        jkt: verified.jkt,
      };
    } catch (error) {
      if (error instanceof TokenRejectedError) {
        throw new TokenExchangeError(
          'invalid_grant',
          'ERR_EXCHANGE_INVALID_SUBJECT',
          `subject_token rejected: ${error.message}`,
          error,
        );
      }
      throw error;
    }
  }

  /**
   * Without this, whoever steals a DPoP-bound token could exchange it for a
   * bearer one. The proof key must be the bound key, so the new token stays bound.
   * @see https://www.rfc-editor.org/rfc/rfc9449#section-5
   */
  #possessionCheck(request: TokenExchangeRequest, subject: Subject): void {
    if (subject.jkt === undefined || request.possessionProven) return;
    if (request.jkt === undefined) {
      throw new TokenExchangeError(
        'invalid_grant',
        'ERR_EXCHANGE_DPOP_PROOF_REQUIRED',
        'the subject_token is DPoP-bound; the request needs a DPoP proof signed by its key',
      );
    }
    if (request.jkt !== subject.jkt) {
      throw new TokenExchangeError(
        'invalid_grant',
        'ERR_EXCHANGE_DPOP_KEY_MISMATCH',
        'the DPoP proof is signed by a key the subject_token is not bound to',
      );
    }
  }

  #actorCheck(actorClientId: string): string {
    const principal = this.#options.directory.principalByClientId(actorClientId);
    if (principal?.disabled) {
      throw new TokenExchangeError('invalid_grant', 'ERR_EXCHANGE_ACTOR_DISABLED', 'the acting client is disabled');
    }
    return actorClientId;
  }

  #targetCheck(resource: string, subject: Subject): { url: string; scopes: readonly string[] | undefined } {
    const found = this.#options.resources.find(resource);
    if (!found)
      throw new TokenExchangeError('invalid_target', 'ERR_EXCHANGE_UNKNOWN_RESOURCE', `unknown resource ${resource}`);
    if (subject.boundResources.length > 0 && !subject.boundResources.includes(found.url)) {
      throw new TokenExchangeError(
        'invalid_target',
        'ERR_EXCHANGE_RESOURCE_NOT_ALLOWED',
        `the API key is not valid for ${resource}`,
      );
    }
    return { url: found.url, scopes: found.scopes };
  }

  /** The actor may exchange tokens issued to it, for resources it serves, and API keys. */
  #mayActCheck(actor: string, subject: Subject, request: TokenExchangeRequest): void {
    if (request.subjectTokenType === TOKEN_TYPE.apiKey) return;
    const { resources } = this.#options;
    const issuedToActor = subject.caller.clientId === actor;
    const servedByActor = subject.audiences.some((aud) => resources.isServedBy(aud, actor));
    if (!issuedToActor && !servedByActor) {
      throw new TokenExchangeError(
        'invalid_grant',
        'ERR_EXCHANGE_NOT_EXCHANGEABLE',
        'the subject_token is not exchangeable by this client',
      );
    }
  }

  #delegationChain(actor: string, subject: Subject): string[] {
    const previous = [...subject.caller.actorChain];
    // An actor re-exchanging its own delegated token, or an agent its own token, adds no hop.
    const chain =
      previous[0] === actor || (previous.length === 0 && subject.subject === actor) ? previous : [actor, ...previous];
    if (chain.length > this.#options.maxDelegationDepth) {
      throw new TokenExchangeError(
        'invalid_grant',
        'ERR_EXCHANGE_CHAIN_TOO_DEEP',
        `the delegation chain would be ${chain.length} deep; the limit is ${this.#options.maxDelegationDepth}`,
      );
    }
    return chain;
  }

  #narrowScopes(scope: string | undefined, subject: Subject, allowed: readonly string[] | undefined): string[] {
    const held = subject.caller.scopes;
    const requested = scope?.split(' ').filter((s) => s.length > 0);
    if (!requested || requested.length === 0) return held.filter((s) => !allowed || allowed.includes(s));
    const widened = requested.filter((s) => !held.includes(s) || (allowed !== undefined && !allowed.includes(s)));
    if (widened.length > 0) {
      throw new TokenExchangeError(
        'invalid_scope',
        'ERR_EXCHANGE_SCOPE_WIDENED',
        `scope ${widened.join(' ')} exceeds the subject_token's`,
      );
    }
    return requested;
  }

  async #issue(
    request: TokenExchangeRequest,
    subject: Subject,
    audience: string,
    chain: string[],
    scopes: string[],
  ): Promise<TokenExchangeResult> {
    const { issuer, keys, clock, accessTokenTtlMs, bus, logger } = this.#options;
    const now = Math.floor(clock.now() / 1000);
    const subjectExp =
      subject.caller.expiresAt === undefined ? Number.POSITIVE_INFINITY : Math.floor(subject.caller.expiresAt / 1000);
    const exp = Math.min(now + Math.floor(accessTokenTtlMs / 1000), subjectExp);
    const jti = newJti();
    const act = actClaim(chain);
    const claims: Record<string, unknown> = {
      iss: issuer,
      sub: subject.subject,
      aud: audience,
      exp,
      iat: now,
      jti,
      scope: scopes.join(' '),
      client_id: request.actorClientId,
      ...(act ? { act } : {}),
      ...(request.jkt ? { cnf: { jkt: request.jkt } } : {}),
      ...(subject.grantId ? { [GRANT_CLAIM]: subject.grantId } : {}),
    };
    const accessToken = signRs256(claims, keys.current);
    const event = {
      jti,
      subject: subject.subject,
      actor: request.actorClientId,
      actorChain: chain,
      audience,
      scope: claims.scope,
      exp,
    };
    logger.info(event, 'token exchanged');
    await bus.publish(TOKEN_EXCHANGED_TOPIC, event);
    return {
      accessToken,
      issuedTokenType: TOKEN_TYPE.accessToken,
      tokenType: request.jkt ? 'DPoP' : 'Bearer',
      expiresIn: exp - now,
      scope: scopes.join(' '),
      jti,
      actorChain: chain,
    };
  }
}
