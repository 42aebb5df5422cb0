import type { Caller, Clock } from '@parley/core';
import type { Store } from '@parley/store';
import { McpErrorCode, McpGatewayError } from '../errors.ts';
import { open, seal } from './sealed-box.ts';

/** Whether a user has a credential for a server, as the API shows it (never the value). */
export interface UserCredentialStatus {
  server: string;
  user: string;
  set: boolean;
  updatedAt?: number;
}

/**
 * Whose credential a call uses: the user it is made on behalf of, or the
 * principal itself when that is a user; undefined for an agent or client acting
 * for itself.
 */
export function credentialUserOf(caller: Caller): string | undefined {
  if (caller.onBehalfOf) return caller.onBehalfOf.id;
  return caller.principal.type === 'User' ? caller.principal.id : undefined;
}

/**
 * Users' own credentials for `per-user` upstreams, sealed at rest with
 * AES-256-GCM. The row's server and user are the additional authenticated
 * data, so a ciphertext copied to another row does not open.
 */
export class UserCredentialStore {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #loadKey: () => Promise<Uint8Array>;
  #key: Promise<Uint8Array> | undefined;

  constructor(options: { store: Store; clock: Clock; key: () => Promise<Uint8Array> }) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#loadKey = options.key;
  }

  async set(server: string, user: string, value: string): Promise<UserCredentialStatus> {
    const sealed = seal(await this.#keyOnce(), value, boundTo(server, user));
    const updatedAt = this.#clock.now();
    await this.#store.db
      .insertInto('mcp_user_credentials')
      .values({ server, user_id: user, ...sealed, updated_at: updatedAt })
      .onConflict((oc) => oc.columns(['server', 'user_id']).doUpdateSet({ ...sealed, updated_at: updatedAt }))
      .execute();
    return { server, user, set: true, updatedAt };
  }

  /** Removes the credential; false when there was none. */
  async clear(server: string, user: string): Promise<boolean> {
    const result = await this.#store.db
      .deleteFrom('mcp_user_credentials')
      .where('server', '=', server)
      .where('user_id', '=', user)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Removes every user's credential for a server (the server was removed). */
  async forgetServer(server: string): Promise<void> {
    await this.#store.db.deleteFrom('mcp_user_credentials').where('server', '=', server).execute();
  }

  async status(server: string, user: string): Promise<UserCredentialStatus> {
    const row = await this.#row(server, user);
    return row ? { server, user, set: true, updatedAt: Number(row.updated_at) } : { server, user, set: false };
  }

  /** The plaintext credential, or undefined when the user has none. */
  async reveal(server: string, user: string): Promise<string | undefined> {
    const row = await this.#row(server, user);
    if (!row) return undefined;
    const key = await this.#keyOnce();
    try {
      return open(key, row, boundTo(server, user));
    } catch (cause) {
      throw new McpGatewayError(
        'ERR_MCP_UPSTREAM_CREDENTIAL',
        McpErrorCode.UpstreamCredential,
        `stored credential of ${user} for ${server} does not decrypt (other key, or moved between rows)`,
        { publicMessage: `your stored credential for ${server} cannot be used; set it again`, cause },
      );
    }
  }

  #row(server: string, user: string) {
    return this.#store.db
      .selectFrom('mcp_user_credentials')
      .select(['iv', 'ciphertext', 'updated_at'])
      .where('server', '=', server)
      .where('user_id', '=', user)
      .executeTakeFirst();
  }

  #keyOnce(): Promise<Uint8Array> {
    this.#key ??= this.#loadKey().catch((error: unknown) => {
      this.#key = undefined;
      throw error;
    });
    return this.#key;
  }
}

/** The additional data: which row a ciphertext belongs to, unambiguously encoded. */
function boundTo(server: string, user: string): Buffer {
  return Buffer.from(JSON.stringify(['parley/mcp-user-credential/v1', server, user]), 'utf8');
}
