import type { Caller, RequestPipeline } from '@parley/core';
import { z } from 'zod';
import { McpErrorCode, McpGatewayError } from '../errors.ts';
import { credentialUserOf, type UserCredentialStore } from '../user-credentials/user-credential-store.ts';
import type { UpstreamAuth } from './definition.ts';

/** `Basic abc`, `Bearer x`, `token y`: an `authorization` value that already names its scheme. */
const withScheme = /^[A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*\s+\S/;

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
  readonly #server: string;
  readonly #userCredentials: UserCredentialStore | undefined;
  readonly #credentialsUrl: string;
  #clientToken: { value: string; expiresAt: number } | undefined;

  constructor(options: {
    auth: UpstreamAuth;
    audience: string;
    pipeline: RequestPipeline;
    env: Readonly<Record<string, string | undefined>>;
    fetch: typeof fetch;
    now: () => number;
    /** For `per-user`: the server's name, where users' credentials are kept, and where they set them. */
    server?: string;
    userCredentials?: UserCredentialStore;
    credentialsUrl?: string;
  }) {
    this.#auth = options.auth;
    this.#audience = options.audience;
    this.#pipeline = options.pipeline;
    this.#env = options.env;
    this.#fetch = options.fetch;
    this.#now = options.now;
    this.#server = options.server ?? '';
    this.#userCredentials = options.userCredentials;
    this.#credentialsUrl = options.credentialsUrl ?? '';
  }

  /**
   * Headers for calls that are not made for a caller (discovery, listing).
   * A `per-user` upstream gets none: no user's credential is shared.
   */
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
    if (auth.type === 'per-user') return { [auth.header.toLowerCase()]: await this.#perUser(caller, auth.header) };
    return this.forGateway();
  }

  async #perUser(caller: Caller, header: string): Promise<string> {
    const user = credentialUserOf(caller);
    if (user === undefined) {
      throw new McpGatewayError(
        'ERR_MCP_UPSTREAM_CREDENTIAL',
        McpErrorCode.UpstreamCredential,
        `per-user upstream ${this.#server} called by ${caller.principal.type} ${caller.principal.id} for no user`,
        { publicMessage: `upstream server ${this.#server} takes a user's own credential; call it on behalf of a user` },
      );
    }
    const value = await this.#userCredentials?.reveal(this.#server, user);
    if (value === undefined) {
      throw new McpGatewayError(
        'ERR_MCP_UPSTREAM_CREDENTIAL',
        McpErrorCode.UpstreamCredential,
        `no credential stored for ${user} for ${this.#server}`,
        {
          publicMessage:
            `you have no credential for upstream server ${this.#server}: set yours with ` +
            `PUT ${this.#credentialsUrl} {"value": "..."} or \`parley servers credentials set ${this.#server}\``,
          data: { credentialsUrl: this.#credentialsUrl },
        },
      );
    }
    return header.toLowerCase() === 'authorization' && !withScheme.test(value) ? `Bearer ${value}` : value;
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
