import type { Clock, FetchFunction, Logger } from '@parley/core';
import { createRemoteJWKSet, customFetch, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { z } from 'zod';
import { TokenRejectedError } from '../errors.ts';
import type { VerifiedToken } from '../tokens/claims.ts';
import { checkClaims } from '../verify/access-token-verifier.ts';

/** One `identity.trustedIssuers` entry. */
export interface TrustedIssuerConfig {
  readonly issuer: string;
  readonly audience?: string | undefined;
  readonly claims: { readonly subject: string; readonly username: string; readonly scope: string };
}

const discoverySchema = z.object({ issuer: z.string(), jwks_uri: z.string().url() });

/**
 * External authorization servers (Auth0, Okta, Keycloak, Entra, ...) whose
 * access tokens Parley accepts: OpenID discovery and JWKS fetched through the
 * guarded client, keys cached by jose, claims mapped to a Parley user.
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig
 */
export class TrustedIssuers {
  readonly #configs: Map<string, TrustedIssuerConfig>;
  readonly #fetch: FetchFunction;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #jwks = new Map<string, Promise<JWTVerifyGetKey>>();

  constructor(configs: readonly TrustedIssuerConfig[], fetch: FetchFunction, clock: Clock, logger: Logger) {
    this.#configs = new Map(configs.map((config) => [config.issuer.replace(/\/+$/, ''), config]));
    this.#fetch = fetch;
    this.#clock = clock;
    this.#logger = logger;
  }

  has(issuer: string): boolean {
    return this.#configs.has(issuer.replace(/\/+$/, ''));
  }

  /** Verifies an external token and maps it; `audience` defaults to the configured one. */
  async verify(token: string, issuer: string, audience: string | undefined): Promise<VerifiedToken> {
    const config = this.#configs.get(issuer.replace(/\/+$/, ''));
    if (!config) throw new TokenRejectedError('ERR_AUTH_WRONG_ISSUER', 'the issuer is not trusted');
    const getKey = await this.#keySet(config);
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, getKey, {
        issuer,
        algorithms: ['RS256', 'PS256', 'ES256', 'EdDSA'],
        currentDate: new Date(this.#clock.now()),
      }));
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'ERR_JWT_EXPIRED') {
        throw new TokenRejectedError('ERR_AUTH_TOKEN_EXPIRED', 'the access token has expired', error);
      }
      if (code === 'ERR_JWKS_NO_MATCHING_KEY') {
        throw new TokenRejectedError('ERR_AUTH_UNKNOWN_KEY', 'the access token is signed with an unknown key', error);
      }
      throw new TokenRejectedError('ERR_AUTH_BAD_SIGNATURE', 'the external access token failed verification', error);
    }
    const username = payload[config.claims.username] ?? payload[config.claims.subject];
    if (typeof username !== 'string' || username.length === 0) {
      throw new TokenRejectedError('ERR_AUTH_UNMAPPED_SUBJECT', 'the external token names no user');
    }
    const mapped = {
      ...payload,
      sub: payload[config.claims.subject],
      scope: payload[config.claims.scope] ?? payload.scope,
    };
    return checkClaims(mapped, this.#clock, config.audience ?? audience, username);
  }

  #keySet(config: TrustedIssuerConfig): Promise<JWTVerifyGetKey> {
    let pending = this.#jwks.get(config.issuer);
    if (!pending) {
      pending = this.#discover(config);
      this.#jwks.set(config.issuer, pending);
      // A failed discovery is retried on the next token rather than cached.
      pending.catch(() => this.#jwks.delete(config.issuer));
    }
    return pending;
  }

  async #discover(config: TrustedIssuerConfig): Promise<JWTVerifyGetKey> {
    const issuer = config.issuer.replace(/\/+$/, '');
    let document: z.infer<typeof discoverySchema>;
    try {
      const response = await this.#fetch(`${issuer}/.well-known/openid-configuration`, {
        headers: { accept: 'application/json' },
      });
      if (!response.ok) throw new Error(`discovery answered ${response.status}`);
      document = discoverySchema.parse(await response.json());
    } catch (error) {
      this.#logger.warn({ err: error, issuer }, 'trusted issuer discovery failed');
      throw new TokenRejectedError('ERR_AUTH_ISSUER_UNREACHABLE', 'the trusted issuer could not be reached', error);
    }
    if (document.issuer.replace(/\/+$/, '') !== issuer) {
      throw new TokenRejectedError('ERR_AUTH_WRONG_ISSUER', 'the issuer discovery document names another issuer');
    }
    return createRemoteJWKSet(new URL(document.jwks_uri), {
      [customFetch]: this.#fetch,
      cooldownDuration: 30_000,
      cacheMaxAge: 600_000,
    });
  }
}
