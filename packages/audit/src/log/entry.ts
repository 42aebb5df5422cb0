import { z } from 'zod';

/** Entry kinds the mesh writes; other parts may add their own (lowercase, dashed). */
export const AUDIT_KINDS = {
  hop: 'hop',
  tokenExchange: 'token-exchange',
  approvalDecided: 'approval-decided',
  toolPinAccepted: 'tool-pin-accepted',
  policyChanged: 'policy-changed',
  keyRotated: 'key-rotated',
} as const;

/**
 * What a part hands to `AuditLog.record`. Free text is redacted and `arguments`
 * are reduced to a digest before anything is stored.
 */
export const auditEntryInputSchema = z.strictObject({
  kind: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/),
  /** Epoch ms; defaults to the log's clock. */
  time: z.number().int().nonnegative().optional(),
  /** `Type::id`, e.g. `User::alice`, `Agent::scheduler`. */
  principal: z.string().max(512).optional(),
  onBehalfOf: z.string().max(512).optional(),
  actorChain: z.array(z.string().max(512)).max(32).default([]),
  clientId: z.string().max(512).optional(),
  protocol: z.string().max(32).optional(),
  action: z.string().min(1).max(512),
  resource: z.string().max(1024).optional(),
  decision: z.enum(['allow', 'deny', 'approval-required']).optional(),
  policies: z.array(z.string().max(512)).max(256).default([]),
  approvalId: z.string().max(512).optional(),
  /** Hashed (RFC 8785 + SHA-256), never stored. */
  arguments: z.record(z.string(), z.unknown()).optional(),
  /** A digest computed by the caller, when it has one already (approval binding). */
  argsDigest: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  outcome: z.string().min(1).max(32),
  error: z.string().max(4096).optional(),
  latencyMs: z.number().nonnegative().optional(),
  traceId: z
    .string()
    .regex(/^[0-9a-f]{32}$/)
    .optional(),
  /** Kind-specific facts (policy set version, key id, ...); strings in it are redacted. */
  detail: z.record(z.string(), z.unknown()).default({}),
});

export type AuditEntryInput = z.input<typeof auditEntryInputSchema>;

/** A stored, chained audit entry as readers see it. */
export interface AuditEntry {
  readonly seq: number;
  readonly id: string;
  /** Epoch ms. */
  readonly time: number;
  readonly kind: string;
  readonly principal: string | null;
  readonly onBehalfOf: string | null;
  readonly actorChain: readonly string[];
  readonly clientId: string | null;
  readonly protocol: string | null;
  readonly action: string;
  readonly resource: string | null;
  readonly decision: string | null;
  readonly policies: readonly string[];
  readonly approvalId: string | null;
  readonly argsDigest: string | null;
  readonly outcome: string;
  readonly error: string | null;
  readonly latencyMs: number | null;
  readonly traceId: string | null;
  readonly detail: Readonly<Record<string, unknown>>;
  readonly prevHash: string;
  readonly hash: string;
}

/** What `record` resolves with, once the entry is durably committed. */
export interface AuditReceipt {
  readonly seq: number;
  readonly id: string;
  readonly hash: string;
}

/** The hash before the first entry. */
export const GENESIS_HASH = '0'.repeat(64);
