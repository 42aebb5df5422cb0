import {
  type ApprovalOutcome,
  AuthenticationError,
  type Caller,
  type GuardDecision,
  type GuardedAction,
  type HopRecord,
  type RequestPipeline,
} from '@parley/core';

/** A caller for tests: `Agent::id` (optionally acting for `User::user`), with roles. */
export function testCaller(id: string, options: { user?: string; roles?: string[]; type?: string } = {}): Caller {
  return {
    principal: { type: options.type ?? 'Agent', id },
    onBehalfOf: options.user ? { type: 'User', id: options.user } : undefined,
    actorChain: [],
    roles: options.roles ?? [],
    clientId: id,
    scopes: [],
    credential: 'access-token',
    credentialId: `jti-${id}`,
    bearer: `token-${id}`,
    expiresAt: undefined,
  };
}

interface Approval {
  outcome: ApprovalOutcome | undefined;
  consumed: boolean;
  waiters: Array<(outcome: ApprovalOutcome) => void>;
}

/**
 * An in-memory RequestPipeline: bearer tokens map to callers and their
 * audience (a token is refused by every other resource), `decide` is a
 * function each test sets, approvals are decided by the test, hops recorded.
 */
export class FakePipeline implements RequestPipeline {
  readonly tokens = new Map<string, { caller: Caller; audience: string | '*' }>();
  readonly hops: HopRecord[] = [];
  readonly exchanges: Array<{ caller: Caller; audience: string; actor: string | undefined; token: string }> = [];
  readonly approvals = new Map<string, Approval>();
  decideWith: (caller: Caller, action: GuardedAction) => GuardDecision = () => ({
    effect: 'allow',
    policies: ['allow-all'],
  });
  #next = 0;

  /** Issues a token for `caller`, bound to `audience` ('*' accepts any). */
  issue(caller: Caller, audience: string | '*'): string {
    const token = `t${++this.#next}-${caller.principal.id}`;
    this.tokens.set(token, { caller: { ...caller, bearer: token }, audience });
    return token;
  }

  async authenticate(
    request: { headers: Readonly<Record<string, string | string[] | undefined>> },
    resource: { url: string },
  ): Promise<Caller> {
    const challenge = `Bearer resource_metadata="${resource.url}/.well-known/oauth-protected-resource"`;
    const header = request.headers.authorization;
    const value = Array.isArray(header) ? header[0] : header;
    if (!value?.startsWith('Bearer ')) {
      throw new AuthenticationError('ERR_AUTH_MISSING', 'authentication required', { challenge });
    }
    const entry = this.tokens.get(value.slice(7));
    if (!entry || (entry.audience !== '*' && entry.audience !== resource.url)) {
      throw new AuthenticationError('ERR_AUTH_INVALID_TOKEN', 'the access token is invalid for this resource', {
        challenge: `${challenge}, error="invalid_token"`,
        oauthError: 'invalid_token',
      });
    }
    return entry.caller;
  }

  async decide(caller: Caller, action: GuardedAction): Promise<GuardDecision> {
    return this.decideWith(caller, action);
  }

  async permitted(caller: Caller, actions: readonly GuardedAction[]): Promise<boolean[]> {
    return actions.map((action) => this.decideWith(caller, action).effect !== 'deny');
  }

  /** A pending approval, as `decide` would create it. */
  createApproval(id: string): GuardDecision {
    this.approvals.set(id, { outcome: undefined, consumed: false, waiters: [] });
    return {
      effect: 'approval-required',
      policies: ['needs-approval'],
      approval: { id, url: `http://parley.test/approvals/${id}`, expiresAt: Date.now() + 60_000 },
    };
  }

  /** A human decides. */
  settle(id: string, outcome: ApprovalOutcome): void {
    const approval = this.approvals.get(id);
    if (!approval) throw new Error(`no approval ${id}`);
    approval.outcome = outcome;
    for (const waiter of approval.waiters.splice(0)) waiter(outcome);
  }

  waitForApproval(id: string, signal?: AbortSignal): Promise<ApprovalOutcome> {
    const approval = this.approvals.get(id);
    if (!approval) return Promise.resolve('expired');
    if (approval.outcome) return Promise.resolve(approval.outcome);
    return new Promise((resolve, reject) => {
      approval.waiters.push(resolve);
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  }

  async consumeApproval(id: string): Promise<boolean> {
    const approval = this.approvals.get(id);
    if (approval?.outcome !== 'approved' || approval.consumed) return false;
    approval.consumed = true;
    return true;
  }

  async releaseApproval(id: string): Promise<void> {
    const approval = this.approvals.get(id);
    if (approval) approval.consumed = false;
  }

  async credentialFor(caller: Caller, audience: string, options: { actor?: string } = {}): Promise<string> {
    const token = this.issue({ ...caller, actorChain: [options.actor ?? 'parley', ...caller.actorChain] }, audience);
    this.exchanges.push({ caller, audience, actor: options.actor, token });
    return token;
  }

  forward<T>(_action: GuardedAction, call: () => Promise<T>): Promise<T> {
    return call();
  }

  async record(hop: HopRecord): Promise<void> {
    this.hops.push(hop);
  }
}
