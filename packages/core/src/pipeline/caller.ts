/** A Cedar entity reference, e.g. `{ type: 'Agent', id: 'scheduler' }`. */
export interface EntityRef {
  readonly type: string;
  readonly id: string;
}

/**
 * Who is calling, as the request pipeline's `authenticate` and `resolve`
 * steps establish it. `principal` is the immediate caller: the innermost
 * acting agent of a delegated token (`act.sub`), else the token's subject.
 * @see https://www.rfc-editor.org/rfc/rfc8693#section-4.1
 */
export interface Caller {
  /** The immediate caller, as Cedar sees it: `User`, `Agent` or `Client`. */
  readonly principal: EntityRef;
  /** The user on whose behalf the call is made (the token's `sub` when it is a user). */
  readonly onBehalfOf: EntityRef | undefined;
  /**
   * The delegation chain, immediate actor first: for
   * `act: {sub: scheduler, act: {sub: concierge}}` it is `['scheduler', 'concierge']`.
   * Empty when the caller acts for itself.
   */
  readonly actorChain: readonly string[];
  /** Roles of the principal (a user's `admin`, ...); Cedar sees them as parents `Role::"admin"`. */
  readonly roles: readonly string[];
  /** The OAuth client the token was issued to (`client_id`). */
  readonly clientId: string | undefined;
  readonly scopes: readonly string[];
  /** How the caller proved itself. */
  readonly credential: 'access-token' | 'api-key' | 'external-token';
  /** `jti` of the token or id of the API key. */
  readonly credentialId: string;
  /** The raw bearer credential, kept only so it can be exchanged; never forwarded, never logged. */
  readonly bearer: string;
  /** Token expiry, epoch ms (API keys: their own expiry, if any). */
  readonly expiresAt: number | undefined;
}
