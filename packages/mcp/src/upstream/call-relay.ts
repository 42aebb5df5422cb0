import { AsyncLocalStorage } from 'node:async_hooks';
import type { ElicitResult, LoggingLevel, Progress } from '@modelcontextprotocol/client';

/**
 * What an upstream call may send back to the caller while it runs: progress,
 * log messages, elicitation and sampling requests. The gateway relays them to
 * the one caller whose request caused them.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/utilities/progress
 */
export interface CallRelay {
  readonly signal: AbortSignal;
  /** Extra request headers for the upstream (its configured credential). */
  readonly headers: Readonly<Record<string, string>>;
  readonly onProgress?: (progress: Progress) => void;
  readonly onLog?: (level: LoggingLevel, data: unknown, logger?: string) => void;
  readonly elicit?: (params: Record<string, unknown>) => Promise<ElicitResult>;
  readonly sample?: (params: Record<string, unknown>) => Promise<Record<string, unknown>>;
}

/**
 * Upstream clients are shared by every caller. An HTTP upstream answers a call
 * on the response stream of the POST that carried it, which is read inside the
 * async context of that call, so the relay is found here. A stdio upstream has
 * no such link; see `Upstream` for its fallback.
 */
export const currentRelay = new AsyncLocalStorage<CallRelay>();
