import type { Caller, RequestPipeline } from '@parley/core';
import { z } from 'zod';
import { McpErrorCode, McpGatewayError } from '../errors.ts';
import type { UpstreamAuth } from './definition.ts';

const tokenResponse = z.object({ access_token: z.string().min(1), expires_in: z.number().optional() });

/**
 * The credential an upstream sees, by its configured `auth`. The caller's own
 * token never goes upstream: it is exchanged for one bound to the upstream's
 * audience, or replaced by the upstream's own secret.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/security_best_practices#token-passthrough
 */
export class UpstreamCredentials {
  readonly #auth: UpstreamAuth;
  readonly #audience: string;
  readonly #pipeline: RequestPipeline;
  readonly #env: Readonly<Record<string, string | undefined>>;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;
  #clientToken: { value: string; expiresAt: number } | undefined;

  constructor(options: {
    auth: UpstreamAuth;
    audience: string;
    pipeline: RequestPipeline;
    env: Readonly<Record<string, string | undefined>>;
    fetch: typeof fetch;
    now: () => number;
  }) {
    this.#auth = options.auth;
    this.#audience = options.audience;
    this.#pipeline = options.pipeline;
    this.#env = options.env;
    this.#fetch = options.fetch;
    this.#now = options.now;
  }

  /** Headers for calls that are not made for a caller (discovery, listing). */
  async forGateway(): Promise<Record<string, string>> {
    const auth = this.#auth;
    if (auth.type === 'static') return { [auth.header]: this.#staticValue() };
    if (auth.type === 'client-credentials') return { authorization: `Bearer ${await this.#clientCredentials()}` };
    return {};
  }

  /** Headers for a call made on behalf of `caller`. */
  async forCaller(caller: Caller): Promise<Record<string, string>> {
    const auth = this.#auth;
    if (auth.type === 'token-exchange') {
      const options = auth.scope === undefined ? {} : { scope: auth.scope };
      try {
        const token = await this.#pipeline.credentialFor(caller, auth.audience ?? this.#audience, options);
        return { authorization: `Bearer ${token}` };
      } catch (error) {
        throw new McpGatewayError(
          'ERR_MCP_UPSTREAM_CREDENTIAL',
          McpErrorCode.UpstreamCredential,
          'token exchange failed',
          {
            publicMessage: 'could not obtain a credential for the upstream server',
            cause: error,
          },
        );
      }
    }
    if (auth.type === 'per-user') {
      throw new McpGatewayError(
        'ERR_MCP_UPSTREAM_CREDENTIAL',
        McpErrorCode.UpstreamCredential,
        'per-user upstream credentials are not available',
        { publicMessage: 'no credential is stored for you for this upstream server' },
      );
    }
    return this.forGateway();
  }

  #staticValue(): string {
    const auth = this.#auth;
    if (auth.type !== 'static') return '';
    const value = auth.value ?? (auth.valueEnv ? this.#env[auth.valueEnv] : undefined);
    if (value === undefined) {
      throw new McpGatewayError(
        'ERR_MCP_UPSTREAM_CREDENTIAL',
        McpErrorCode.UpstreamCredential,
        'static secret not set',
        {
          publicMessage: 'the upstream server has no credential configured',
        },
      );
    }
    return value;
  }

  async #clientCredentials(): Promise<string> {
    const auth = this.#auth;
    if (auth.type !== 'client-credentials') return '';
    const cached = this.#clientToken;
    if (cached && cached.expiresAt > this.#now() + 30_000) return cached.value;
    const secret = this.#env[auth.clientSecretEnv] ?? '';
    const body = new URLSearchParams({ grant_type: 'client_credentials' });
    if (auth.scope) body.set('scope', auth.scope);
    body.set('resource', this.#audience);
    const response = await this.#fetch(auth.tokenUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(auth.clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`,
      },
      body,
    });
    const parsed = tokenResponse.safeParse(response.ok ? await response.json() : undefined);
    if (!parsed.success) {
      throw new McpGatewayError(
        'ERR_MCP_UPSTREAM_CREDENTIAL',
        McpErrorCode.UpstreamCredential,
        'client credentials grant failed',
        {
          publicMessage: 'could not obtain a credential for the upstream server',
        },
      );
    }
    this.#clientToken = {
      value: parsed.data.access_token,
      expiresAt: this.#now() + (parsed.data.expires_in ?? 300) * 1000,
    };
    return parsed.data.access_token;
  }
}
