import type { Caller, GuardDecision, GuardedAction, HopRecord, Logger, RequestPipeline } from '@parley/core';
import { A2AError } from '../wire/errors.ts';

/**
 * Runs one proxied operation under the pipeline's `decide` and `record`
 * steps: a denial is PermissionDeniedError; every outcome is recorded once,
 * with its latency.
 */
export class Guard {
  readonly #pipeline: RequestPipeline;
  readonly #logger: Logger;
  constructor(pipeline: RequestPipeline, logger: Logger) {
    this.#pipeline = pipeline;
    this.#logger = logger;
  }

  decide(caller: Caller, action: GuardedAction): Promise<GuardDecision> {
    return this.#pipeline.decide(caller, action);
  }

  /** Throws (and records) unless the decision allows the action. */
  async requireAllowed(caller: Caller, action: GuardedAction, decision: GuardDecision, started: number): Promise<void> {
    if (decision.effect === 'allow') return;
    const reason = decision.effect === 'deny' ? decision.reason : 'approval is required';
    await this.record({ caller, action, decision, outcome: 'denied', error: reason, latencyMs: Date.now() - started });
    throw new A2AError('PermissionDeniedError', `not permitted: ${reason}`);
  }

  /** Decides, then runs `operation` for an allowed action and records its outcome. */
  async run<T>(caller: Caller, action: GuardedAction, operation: (decision: GuardDecision) => Promise<T>): Promise<T> {
    const started = Date.now();
    const decision = await this.decide(caller, action);
    return this.runDecided(caller, action, decision, started, operation);
  }

  /** Runs `operation` under a decision already taken (throws unless it allows), and records its outcome. */
  async runDecided<T>(
    caller: Caller,
    action: GuardedAction,
    decision: GuardDecision,
    started: number,
    operation: (decision: GuardDecision) => Promise<T>,
  ): Promise<T> {
    await this.requireAllowed(caller, action, decision, started);
    try {
      const result = await this.#pipeline.forward(action, () => operation(decision));
      await this.record({ caller, action, decision, outcome: 'ok', latencyMs: Date.now() - started });
      return result;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await this.record({
        caller,
        action,
        decision,
        outcome: 'error',
        error: message,
        latencyMs: Date.now() - started,
      });
      throw error;
    }
  }

  async record(hop: HopRecord): Promise<void> {
    try {
      await this.#pipeline.record(hop);
    } catch (error) {
      // The caller has its answer already; a failed audit write is the operator's to see, not the caller's.
      this.#logger.error(
        { err: error, action: hop.action.action, resource: hop.action.resource, outcome: hop.outcome },
        'A2A hop could not be recorded in the audit log',
      );
    }
  }
}
