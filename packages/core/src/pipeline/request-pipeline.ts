import type { Caller, EntityRef } from './caller.ts';

/** An action a caller attempts through a front door (MCP or A2A), as policy sees it. */
export interface GuardedAction {
  readonly protocol: 'mcp' | 'a2a' | 'admin';
  /** Cedar action id: `tools/call`, `resources/read`, `SendMessage`, `GetTask`, `delegate`, ... */
  readonly action: string;
  /** `Tool::"calendar.find_free_slots"` in `McpServer::"calendar"`, `Skill::"…"` in `A2AAgent::"…"`. */
  readonly resource: EntityRef;
  readonly parents?: readonly EntityRef[];
  /** Tool arguments or message content that policy may inspect and the approval digest binds. */
  readonly arguments?: Readonly<Record<string, unknown>>;
  /** The resource URL the caller addressed (the token's audience). */
  readonly audience: string;
  /** Source address of the request. */
  readonly sourceIp?: string;
}

/** What the `decide` and `approve` steps concluded. Data, not exceptions. */
export type GuardDecision =
  | { readonly effect: 'allow'; readonly policies: readonly string[]; readonly approvalId?: string }
  | { readonly effect: 'deny'; readonly policies: readonly string[]; readonly reason: string }
  | {
      readonly effect: 'approval-required';
      readonly policies: readonly string[];
      readonly approval: { readonly id: string; readonly url: string; readonly expiresAt: number };
    };

export type ApprovalOutcome = 'approved' | 'denied' | 'expired';

/** One hop's audit record, written by the `record` step. */
export interface HopRecord {
  readonly caller: Caller | undefined;
  readonly action: GuardedAction;
  readonly decision: GuardDecision | undefined;
  readonly outcome: 'ok' | 'error' | 'denied' | 'unauthenticated' | 'pending';
  readonly error?: string;
  readonly latencyMs: number;
}

/**
 * The request pipeline of DESIGN.md, as the front doors (MCP gateway, A2A
 * proxy) use it: authenticate, resolve, decide, approve, credential, forward
 * (the front door's own job), record. Implemented by the server from identity,
 * policy and audit, so MCP and A2A are two doors into one pipeline.
 */
export interface RequestPipeline {
  /**
   * Verifies the request's credential for `resource` (its URL, the expected
   * audience). Throws AuthenticationError / InsufficientScopeError.
   */
  authenticate(
    request: {
      readonly method: string;
      readonly url: string;
      readonly headers: Readonly<Record<string, string | string[] | undefined>>;
    },
    resource: {
      readonly url: string;
      readonly requiredScopes?: readonly string[];
      /** The scope a client should ask for to use the resource, named in the 401 challenge (RFC 6750 section 3). */
      readonly scope?: string;
    },
  ): Promise<Caller>;
  /** Decides the action; creates a pending approval when a determining policy requires one. */
  decide(caller: Caller, action: GuardedAction): Promise<GuardDecision>;
  /** Which of `actions` the caller may perform (list filtering); never creates approvals. */
  permitted(caller: Caller, actions: readonly GuardedAction[]): Promise<boolean[]>;
  /** Resolves when the approval is decided or expires; no busy loop. Rejects if `signal` aborts. */
  waitForApproval(approvalId: string, signal?: AbortSignal): Promise<ApprovalOutcome>;
  /**
   * Consumes an approved approval for exactly this caller and action (single use,
   * argument digest checked). Returns false when it does not match or was used.
   */
  consumeApproval(approvalId: string, caller: Caller, action: GuardedAction): Promise<boolean>;
  /**
   * Makes a consumed approval usable once more by exactly this caller and
   * action, when the call it was consumed for did not complete but asked the
   * caller for input (MCP `input_required`): the retry that carries the answer
   * is the same call. One approval covers one completed call.
   */
  releaseApproval(approvalId: string, caller: Caller, action: GuardedAction): Promise<void>;
  /**
   * A fresh token for the next hop, audience-bound to `audience`, obtained by
   * token exchange with `act` naming `actor` (the agent or gateway client
   * acting). The caller's own token is never forwarded.
   */
  credentialFor(caller: Caller, audience: string, options?: { actor?: string; scope?: string }): Promise<string>;
  /**
   * The forward step: runs `call` (the request to the upstream MCP server, the
   * remote agent or a local handler) as its own step of the trace, so a trace
   * shows how much of a hop was the far side's.
   */
  forward<T>(action: GuardedAction, call: () => Promise<T>): Promise<T>;
  record(hop: HopRecord): Promise<void>;
}
