/** A policy document edited through the API or CLI (`store:<name>` in messages). */
export interface PolicyDocumentTable {
  name: string;
  /** Cedar policy text. */
  text: string;
  created_at: number;
  updated_at: number;
  /** `Type::"id"` of who changed it last. */
  updated_by: string | null;
}

/** A human approval bound to one exact call. */
export interface PolicyApprovalTable {
  id: string;
  /** pending | approved | denied | expired */
  state: string;
  /** JSON EntityRef of the principal that attempted the call. */
  principal: string;
  /** JSON array: the actor chain, immediate actor first. */
  actor_chain: string;
  action: string;
  /** JSON EntityRef with parents of the resource. */
  resource: string;
  /** JSON EntityRef of the user the call is made for, if any. */
  on_behalf_of: string | null;
  /** canonical digest (SHA-256, RFC 8785) of the arguments */
  arguments_digest: string;
  /** JSON of the arguments, shown to the human deciding. */
  arguments: string;
  /** JSON array of the determining policy ids. */
  policies: string;
  created_at: number;
  expires_at: number;
  decided_at: number | null;
  decided_by: string | null;
  consumed_at: number | null;
  /** The credential that asked (`api-key:<id>`, `access-token:<jti>`…), which may not decide it; null before 0201. */
  requested_with: string | null;
}

/** The policy part's tables; owned by @parley/policy. */
export interface PolicyTables {
  policy_documents: PolicyDocumentTable;
  policy_approvals: PolicyApprovalTable;
}
