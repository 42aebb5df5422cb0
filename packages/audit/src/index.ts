export { AuditError } from './errors.ts';
export { AUDIT_APPENDED_TOPIC, AuditLog, type AuditLogOptions } from './log/audit-log.ts';
export type { ChainHead } from './log/chain-lock.ts';
export {
  AUDIT_KINDS,
  type AuditEntry,
  type AuditEntryInput,
  type AuditReceipt,
  auditEntryInputSchema,
  GENESIS_HASH,
} from './log/entry.ts';
export { entityName, hopToEntry } from './log/from-hop.ts';
export { digestArguments, entryHash } from './log/hash.ts';
export { type AuditQuery, auditQuerySchema } from './log/query.ts';
export { REDACTED, redactText, redactValue } from './log/redact.ts';
export { type BrokenLinkReason, type VerifyResult, verifyChain } from './log/verify.ts';
export {
  type ApprovalMetric,
  type DecisionOutcome,
  MeshMetrics,
  PROMETHEUS_CONTENT_TYPE,
} from './metrics/metrics.ts';
export { SqliteWriter, WRITER_THREAD_NAME } from './sqlite/sqlite-writer.ts';
export {
  ATTR_ACTION,
  ATTR_ACTOR_CHAIN,
  ATTR_AGENT,
  ATTR_APPROVAL_ID,
  ATTR_APPROVAL_OUTCOME,
  ATTR_AUDIT_SEQ,
  ATTR_CLIENT_ID,
  ATTR_DECISION,
  ATTR_ON_BEHALF_OF,
  ATTR_OUTCOME,
  ATTR_POLICIES,
  ATTR_PRINCIPAL,
  ATTR_PROTOCOL,
  ATTR_RESOURCE,
  ATTR_SKILL,
  ATTR_STEP,
  ATTR_TOOL,
  ATTR_UPSTREAM,
  actionAttributes,
  callerAttributes,
  decisionAttributes,
  PIPELINE_STEPS,
  type PipelineStep,
} from './tracing/attributes.ts';
export {
  extractA2aMetadata,
  extractMcpMeta,
  extractTraceHeaders,
  injectA2aMetadata,
  injectMcpMeta,
  injectTraceHeaders,
  injectTraceIntoHeaders,
  TRACEPARENT,
  TRACESTATE,
  traceCarrier,
} from './tracing/propagation.ts';
export { SpanStore, type SpanStoreOptions } from './tracing/span-store.ts';
export type { StoredSpan, TraceSummary } from './tracing/stored-span.ts';
export { buildTraceTree, type SpanNode } from './tracing/trace-tree.ts';
export { tracedFetch } from './tracing/traced-fetch.ts';
export { type OtlpProtocol, startTracing, type Tracing, type TracingOptions } from './tracing/tracing.ts';
export {
  activeTraceId,
  markSpanError,
  parleyTracer,
  TRACER_NAME,
  type WithSpanOptions,
  withSpan,
  withStepSpan,
} from './tracing/with-span.ts';
