import { randomUUID } from 'node:crypto';
import {
  type ApprovalOutcome,
  AuthenticationError,
  type Caller,
  canonicalDigest,
  type GuardDecision,
  type GuardedAction,
  type HopRecord,
  InsufficientScopeError,
  type RequestPipeline,
} from '@parley/core';
import { type CryptoKey, generateKeyPair, jwtVerify, SignJWT } from 'jose';

/** What the fake's policy says about an action. */
export type FakeVerdict = 'allow' | 'deny' | 'approval';

interface FakeApproval {
  id: string;
  url: string;
  expiresAt: number;
  status: 'pending' | ApprovalOutcome;
  principal: string;
  digest: string;
  used: boolean;
  waiters: Array<(outcome: ApprovalOutcome) => void>;
}

/**
 * An in-memory RequestPipeline that behaves like the real one at its
 * contract: ES256 JWTs verified with jose (issuer, audience = the resource URL,
 * expiry, scopes), a per-test policy function, approvals bound to the caller and
 * a digest of the arguments, single use, and a log of recorded hops.
 */
export class FakePipeline implements RequestPipeline {
  readonly issuer: string;
  readonly records: HopRecord[] = [];
  readonly exchanged: Array<{ audience: string; subject: string }> = [];
  policy: (caller: Caller, action: GuardedAction) => FakeVerdict = () => 'allow';
  /** Called when an approval is created (tests decide it). */
  onApproval: ((approval: { id: string; url: string }) => void) | undefined;
  approvalTtl = 60_000;
  readonly #privateKey: CryptoKey;
  readonly #publicKey: CryptoKey;
  readonly #approvals = new Map<string, FakeApproval>();

  private constructor(issuer: string, keys: { privateKey: CryptoKey; publicKey: CryptoKey }) {
    this.issuer = issuer;
    this.#privateKey = keys.privateKey;
    this.#publicKey = keys.publicKey;
  }

  static async create(issuer = 'http://127.0.0.1'): Promise<FakePipeline> {
    return new FakePipeline(issuer, await generateKeyPair('ES256'));
  }

  /** Mints an access token as the identity part would. */
  token(options: {
    sub: string;
    aud: string;
    scope?: string;
    roles?: string[];
    ttlSeconds?: number;
    act?: { sub: string };
  }) {
    const jwt = new SignJWT({
      scope: options.scope ?? 'mcp',
      roles: options.roles ?? [],
      client_id: 'test-client',
      ...(options.act ? { act: options.act } : {}),
    })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt' })
      .setIssuer(this.issuer)
      .setSubject(options.sub)
      .setAudience(options.aud)
      .setJti(randomUUID())
      .setIssuedAt();
    jwt.setExpirationTime(Math.floor(Date.now() / 1000) + (options.ttlSeconds ?? 600));
    return jwt.sign(this.#privateKey);
  }

  async authenticate(
    request: { method: string; url: string; headers: Readonly<Record<string, string | string[] | undefined>> },
    resource: { url: string; requiredScopes?: readonly string[] },
  ): Promise<Caller> {
    const metadata = prmUrl(resource.url);
    const header = request.headers.authorization;
    const value = Array.isArray(header) ? header[0] : header;
    if (!value?.startsWith('Bearer ')) {
      throw new AuthenticationError('ERR_AUTH_MISSING', 'authentication required', {
        challenge: `Bearer resource_metadata="${metadata}"`,
      });
    }
    let payload: Awaited<ReturnType<typeof jwtVerify>>['payload'];
    try {
      ({ payload } = await jwtVerify(value.slice(7), this.#publicKey, { issuer: this.issuer, audience: resource.url }));
    } catch (cause) {
      throw new AuthenticationError('ERR_AUTH_INVALID_TOKEN', 'invalid access token', {
        challenge: `Bearer error="invalid_token", resource_metadata="${metadata}"`,
        oauthError: 'invalid_token',
        cause,
      });
    }
    const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
    const missing = (resource.requiredScopes ?? []).filter((s) => !scopes.includes(s));
    if (missing.length > 0) {
      throw new InsufficientScopeError('insufficient scope', {
        challenge: `Bearer error="insufficient_scope", scope="${missing.join(' ')}", resource_metadata="${metadata}"`,
        requiredScopes: missing,
      });
    }
    const act = payload.act as { sub: string } | undefined;
    const sub = String(payload.sub);
    return {
      principal: act ? { type: 'Agent', id: act.sub } : { type: 'User', id: sub },
      onBehalfOf: { type: 'User', id: sub },
      actorChain: act ? [act.sub] : [],
      roles: (payload.roles as string[] | undefined) ?? [],
      clientId: payload.client_id as string | undefined,
      scopes,
      credential: 'access-token',
      credentialId: String(payload.jti),
      bearer: value.slice(7),
      expiresAt: typeof payload.exp === 'number' ? payload.exp * 1000 : undefined,
    };
  }

  async decide(caller: Caller, action: GuardedAction): Promise<GuardDecision> {
    const verdict = this.policy(caller, action);
    if (verdict === 'deny') return { effect: 'deny', policies: ['test-forbid'], reason: 'forbidden by test policy' };
    if (verdict === 'allow') return { effect: 'allow', policies: ['test-permit'] };
    const digest = digestOf(caller, action);
    for (const approval of this.#approvals.values()) {
      if (approval.status === 'approved' && !approval.used && approval.digest === digest) {
        return { effect: 'allow', policies: ['test-approval'], approvalId: approval.id };
      }
    }
    const id = randomUUID();
    const approval: FakeApproval = {
      id,
      url: `${this.issuer}/approvals/${id}`,
      expiresAt: Date.now() + this.approvalTtl,
      status: 'pending',
      principal: key(caller),
      digest,
      used: false,
      waiters: [],
    };
    this.#approvals.set(id, approval);
    queueMicrotask(() => this.onApproval?.({ id, url: approval.url }));
    return {
      effect: 'approval-required',
      policies: ['test-approval'],
      approval: { id, url: approval.url, expiresAt: approval.expiresAt },
    };
  }

  async permitted(caller: Caller, actions: readonly GuardedAction[]): Promise<boolean[]> {
    return actions.map((action) => this.policy(caller, action) !== 'deny');
  }

  /** Test hook: a human decides (or the approval expires). */
  settle(id: string, outcome: ApprovalOutcome): void {
    const approval = this.#approvals.get(id);
    if (approval?.status !== 'pending') return;
    approval.status = outcome;
    for (const waiter of approval.waiters.splice(0)) waiter(outcome);
  }

  /** Test hook: an approval granted earlier for `action` (as if approved in the console). */
  preApprove(caller: Caller, action: GuardedAction): string {
    const id = randomUUID();
    this.#approvals.set(id, {
      id,
      url: `${this.issuer}/approvals/${id}`,
      expiresAt: Date.now() + this.approvalTtl,
      status: 'approved',
      principal: key(caller),
      digest: digestOf(caller, action),
      used: false,
      waiters: [],
    });
    return id;
  }

  waitForApproval(approvalId: string, signal?: AbortSignal): Promise<ApprovalOutcome> {
    const approval = this.#approvals.get(approvalId);
    if (!approval) return Promise.resolve('expired');
    if (approval.status !== 'pending') return Promise.resolve(approval.status);
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(signal?.reason ?? new Error('aborted'));
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      approval.waiters.push((outcome) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(outcome);
      });
    });
  }

  async consumeApproval(approvalId: string, caller: Caller, action: GuardedAction): Promise<boolean> {
    const approval = this.#approvals.get(approvalId);
    if (approval?.status !== 'approved' || approval.used) return false;
    if (approval.principal !== key(caller) || approval.digest !== digestOf(caller, action)) return false;
    approval.used = true;
    return true;
  }

  async releaseApproval(approvalId: string, caller: Caller, action: GuardedAction): Promise<void> {
    const approval = this.#approvals.get(approvalId);
    if (approval?.used && approval.principal === key(caller) && approval.digest === digestOf(caller, action)) {
      approval.used = false;
    }
  }

  async credentialFor(caller: Caller, audience: string): Promise<string> {
    this.exchanged.push({ audience, subject: caller.principal.id });
    return `exchanged-for-${audience}`;
  }

  forward<T>(_action: GuardedAction, call: () => Promise<T>): Promise<T> {
    return call();
  }

  async record(hop: HopRecord): Promise<void> {
    this.records.push(hop);
  }
}

function key(caller: Caller): string {
  return `${caller.principal.type}:${caller.principal.id}`;
}

function digestOf(caller: Caller, action: GuardedAction): string {
  return canonicalDigest({ p: key(caller), a: action.action, r: action.resource, args: action.arguments ?? {} });
}

function prmUrl(resourceUrl: string): string {
  const url = new URL(resourceUrl);
  return `${url.origin}/.well-known/oauth-protected-resource${url.pathname}`;
}
