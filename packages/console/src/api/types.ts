/** Shapes of the Parley API responses the console reads. */

export interface EntityRef {
  readonly type: string;
  readonly id: string;
}

export type ApprovalState = 'pending' | 'approved' | 'denied' | 'expired';

export interface Approval {
  readonly id: string;
  readonly state: ApprovalState;
  readonly principal: EntityRef;
  readonly actorChain: readonly string[];
  readonly action: string;
  readonly resource: EntityRef;
  readonly onBehalfOf?: EntityRef;
  readonly arguments: Readonly<Record<string, unknown>>;
  readonly argumentsDigest: string;
  readonly policies: readonly string[];
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly decidedAt?: number;
  readonly decidedBy?: string;
  readonly consumedAt?: number;
  readonly url: string;
}

export interface Me {
  readonly principal: EntityRef;
  readonly roles: readonly string[];
}

export interface PolicyInForce {
  readonly id: string;
  readonly effect: 'permit' | 'forbid';
  readonly source: string;
  readonly line: number;
  readonly annotations: Readonly<Record<string, string>>;
  readonly text: string;
}

export interface PolicyProblem {
  readonly code?: string;
  readonly source?: string;
  readonly line?: number;
  readonly column?: number;
  readonly policyId?: string;
  readonly message: string;
}

export interface PolicyDocument {
  readonly name: string;
  readonly text?: string;
  readonly updatedAt?: number;
  readonly updatedBy?: string;
}

export interface PoliciesResponse {
  readonly policies: readonly PolicyInForce[];
  readonly documents: readonly PolicyDocument[];
  readonly problems: readonly PolicyProblem[];
}

export interface Explanation {
  readonly decision: 'allow' | 'deny' | 'approval-required';
  readonly allowed: boolean;
  readonly approvalRequired: boolean;
  readonly reason: string;
  readonly determining: ReadonlyArray<{
    id: string;
    effect: 'permit' | 'forbid';
    source: string;
    line: number;
    annotations: Record<string, string>;
  }>;
  readonly errors: ReadonlyArray<{ policyId?: string; message: string }>;
}

export interface McpServer {
  readonly name: string;
  readonly transport: 'http' | 'stdio';
  readonly target: string;
  readonly source: 'config' | 'api';
  readonly status: string;
  readonly tools: number;
  readonly error?: string;
}

export interface McpTool {
  readonly name: string;
  readonly server: string;
  readonly digest: string;
  readonly quarantined: boolean;
  readonly pinnedAt: number;
}

export interface QuarantinedTool {
  readonly server: string;
  readonly tool: string;
  readonly diff: ReadonlyArray<{ field: string; pinned: unknown; changed: unknown }>;
  readonly changedAt: number;
}

export interface AgentSkill {
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  readonly tags?: readonly string[];
}

export interface RegisteredAgent {
  readonly name: string;
  readonly url: string;
  readonly card: {
    readonly name: string;
    readonly description?: string;
    readonly version?: string;
    readonly skills?: readonly AgentSkill[];
    readonly signatures?: readonly unknown[];
  };
  readonly status: 'active' | 'held';
  readonly heldReason?: string;
  readonly keySource: 'tofu' | 'jwks';
  readonly skills: readonly string[];
  readonly fetchedAt: number;
}

/** An agent as `/api/console/agents` lists it: the mesh's own and the registered remote ones. */
export interface ConsoleAgent {
  readonly name: string;
  readonly kind: 'local' | 'remote';
  readonly cardUrl: string;
  readonly card: RegisteredAgent['card'];
  readonly status: 'active' | 'held';
  readonly heldReason: string | null;
  readonly signedBy: 'mesh' | 'tofu' | 'jwks';
  readonly fetchedAt: number | null;
}

export interface TraceSummary {
  readonly traceId: string;
  readonly root: string | null;
  readonly service: string | null;
  readonly startUs: number;
  readonly durationMs: number;
  readonly spans: number;
  readonly errors: number;
  /** The trace's deepest delegated hop (console API only). */
  readonly hop?: TraceHop | null;
}

export interface TraceHop {
  readonly action: string;
  readonly resource: string | null;
  readonly principal: string | null;
  readonly onBehalfOf: string | null;
  readonly actorChain: readonly string[];
  readonly decision: string | null;
  readonly approvalId: string | null;
}

export interface Span {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | null;
  readonly name: string;
  readonly kind: string;
  readonly service: string;
  readonly startUs: number;
  readonly endUs: number;
  readonly status: { readonly code: 'unset' | 'ok' | 'error'; readonly message?: string };
  readonly attributes: Readonly<Record<string, unknown>>;
}

export interface AuditEntry {
  readonly seq: number;
  readonly id: string;
  readonly time: number;
  readonly kind: string;
  readonly principal: string | null;
  readonly onBehalfOf: string | null;
  readonly actorChain: readonly string[];
  readonly protocol: string | null;
  readonly action: string;
  readonly resource: string | null;
  readonly decision: string | null;
  readonly policies: readonly string[];
  readonly approvalId: string | null;
  readonly outcome: string;
  readonly error: string | null;
  readonly latencyMs: number | null;
  readonly traceId: string | null;
  readonly hash: string;
}

export type VerifyResult =
  | { readonly ok: true; readonly entries: number; readonly headSeq: number; readonly headHash: string }
  | {
      readonly ok: false;
      readonly entries: number;
      readonly brokenAt: number;
      readonly reason: string;
      readonly message: string;
    };
