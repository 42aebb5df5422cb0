export { type EventBus, InProcessBus } from './bus/bus.ts';
export { type Clock, epochSeconds, ManualClock, systemClock } from './clock/clock.ts';
export { AuthenticationError, ForbiddenError, InsufficientScopeError, RateLimitedError } from './errors/auth-errors.ts';
export {
  ConfigError,
  ConflictError,
  type Issue,
  isParleyError,
  NotFoundError,
  OutboundError,
  ParleyError,
  renderIssues,
  StoreError,
  ValidationError,
} from './errors/parley-error.ts';
export { serverSentData } from './http/server-sent-data.ts';
export { SSE_HEADERS } from './http/sse-headers.ts';
export { millisHex, randomHex, uuidv7 } from './ids/time-ordered.ts';
export { canonicalDigest, canonicalJson, sha256Hex } from './json/canonical.ts';
export { createLogger, type Logger, type LoggerSettings, REDACTED_PATHS, silentLogger } from './log/logger.ts';
export { type AddressClass, classifyAddress } from './outbound/address-class.ts';
export { createGuardedFetch, type GuardedFetch, type GuardedFetchInit } from './outbound/guarded-fetch.ts';
export type { GuardedResponse, GuardedStreamResponse } from './outbound/guarded-response.ts';
export { type LinkedSignal, linkSignals } from './outbound/linked-signal.ts';
export type { GuardedFetchOptions, OutboundLookup, OutboundScheme } from './outbound/outbound-policy.ts';
export { type FetchFunction, type GuardedRequestInit, toFetch } from './outbound/to-fetch.ts';
export type { Caller, EntityRef } from './pipeline/caller.ts';
export type {
  ApprovalOutcome,
  GuardDecision,
  GuardedAction,
  HopRecord,
  RequestPipeline,
} from './pipeline/request-pipeline.ts';
