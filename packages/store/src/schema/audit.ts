/**
 * One audit entry: append-only, hash-chained by `seq`. `hash` is SHA-256 over
 * the RFC 8785 canonical entry (every column but `hash`, `prev_hash` included).
 */
export interface AuditLogTable {
  seq: number;
  id: string;
  /** Epoch milliseconds. */
  time: number;
  kind: string;
  principal: string | null;
  on_behalf_of: string | null;
  /** JSON array, immediate actor first. */
  actor_chain: string;
  client_id: string | null;
  protocol: string | null;
  action: string;
  resource: string | null;
  decision: string | null;
  /** JSON array of determining policy ids. */
  policies: string;
  approval_id: string | null;
  args_digest: string | null;
  outcome: string;
  error: string | null;
  latency_ms: number | null;
  trace_id: string | null;
  /** JSON object of kind-specific detail, redacted. */
  detail: string;
  prev_hash: string;
  hash: string;
}

/** The single row (`id = 1`) naming the last appended entry; appends lock it. */
export interface AuditChainHeadTable {
  id: number;
  seq: number;
  hash: string;
}

/** One finished span of the embedded span store (times in epoch microseconds). */
export interface AuditSpansTable {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  kind: number;
  service: string;
  start_us: number;
  end_us: number;
  status_code: number;
  status_message: string | null;
  /** JSON object. */
  attributes: string;
  /** JSON array of `{name, timeUs, attributes}`. */
  events: string;
}

/** The audit part's tables; owned by @parley/audit. */
export interface AuditTables {
  audit_log: AuditLogTable;
  audit_chain_head: AuditChainHeadTable;
  audit_spans: AuditSpansTable;
}
