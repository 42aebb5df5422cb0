import type { EntityRef } from '@parley/core';

/** @see DESIGN.md "Approvals" */
export type ApprovalState = 'pending' | 'approved' | 'denied' | 'expired';

/** What an approval is bound to: the exact call a human is asked about. */
export interface ApprovalBinding {
  readonly principal: EntityRef;
  readonly actorChain: readonly string[];
  readonly action: string;
  readonly resource: EntityRef & { readonly parents?: readonly EntityRef[] };
  readonly onBehalfOf: EntityRef | undefined;
  /** `canonicalDigest(arguments)`: RFC 8785 JSON, SHA-256. */
  readonly argumentsDigest: string;
}

/** A human approval of one exact call; single use, expires. */
export interface Approval extends ApprovalBinding {
  readonly id: string;
  readonly state: ApprovalState;
  /** The arguments the human is asked to approve (their digest is what binds). */
  readonly arguments: Readonly<Record<string, unknown>>;
  /** The determining policies that asked for approval. */
  readonly policies: readonly string[];
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly decidedAt: number | undefined;
  /** `Type::"id"` of who approved or denied. */
  readonly decidedBy: string | undefined;
  /** Set once the approved call ran; an approval is used at most once. */
  readonly consumedAt: number | undefined;
  /** Where a human decides it: `${baseUrl}/console/approvals/<id>`. */
  readonly url: string;
}

/** The bus topic on which decided and expired approvals are announced (across replicas with the Redis bus). */
export const APPROVAL_DECIDED_TOPIC = 'policy.approval.decided';

/** The payload of {@link APPROVAL_DECIDED_TOPIC}. */
export interface ApprovalDecidedEvent {
  readonly id: string;
  readonly state: Exclude<ApprovalState, 'pending'>;
}

/** `Type::"id"`, the way Cedar writes an entity. */
export function entityText(ref: EntityRef): string {
  return `${ref.type}::${JSON.stringify(ref.id)}`;
}
