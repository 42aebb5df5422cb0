import type { ApprovalOutcome, Clock, EventBus, Logger } from '@parley/core';
import { NotFoundError } from '@parley/core';
import type { Store } from '@parley/store';
import { ApprovalStateError } from '../errors.ts';
import {
  APPROVAL_DECIDED_TOPIC,
  type Approval,
  type ApprovalBinding,
  type ApprovalDecidedEvent,
  type ApprovalState,
} from './approval.ts';
import { ApprovalRecords } from './approval-records.ts';

/**
 * The bus topic on which new approvals are announced, so a live view (the
 * console) can show them without polling; decisions follow on
 * {@link APPROVAL_DECIDED_TOPIC}.
 */
export const APPROVAL_REQUESTED_TOPIC = 'policy.approval.requested';

/** The payload of {@link APPROVAL_REQUESTED_TOPIC}: read the approval itself with `get`. */
export interface ApprovalRequestedEvent {
  readonly id: string;
  readonly state: 'pending';
}

export interface ApprovalServiceOptions {
  readonly store: Store;
  readonly bus: EventBus;
  readonly clock: Clock;
  readonly logger: Logger;
  /** How long an approval stays open (`policy.approvalTtl`), ms. */
  readonly ttlMs: number;
  /** The external base URL; an approval's URL is `${baseUrl}/console/approvals/<id>`. */
  readonly baseUrl: string;
}

/** setTimeout's ceiling; longer waits re-arm. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Approvals: created when a determining policy asks for a human, decided once
 * (approved or denied) before they expire, consumed at most once by exactly
 * the call they were created for. Waiting is event driven: a decision is
 * announced on the bus (so a waiter on another replica wakes too) and a timer
 * per waited approval marks it expired.
 * @see DESIGN.md "Approvals"
 */
export class ApprovalService {
  readonly #records: ApprovalRecords;
  readonly #bus: EventBus;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #ttlMs: number;
  readonly #waiters = new Map<string, Set<(outcome: ApprovalOutcome) => void>>();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  #unsubscribe: (() => void) | undefined;

  constructor(options: ApprovalServiceOptions) {
    const base = options.baseUrl.replace(/\/+$/, '');
    this.#records = new ApprovalRecords(options.store, (id) => `${base}/console/approvals/${encodeURIComponent(id)}`);
    this.#bus = options.bus;
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#ttlMs = options.ttlMs;
  }

  /** Subscribes to decisions on the bus; call once before waiting. */
  async start(): Promise<void> {
    this.#unsubscribe ??= await this.#bus.subscribe(APPROVAL_DECIDED_TOPIC, (payload) => this.#onDecided(payload));
  }

  async stop(): Promise<void> {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }

  /** Returns the open approval for exactly this call, or creates a pending one. */
  async request(
    binding: ApprovalBinding,
    details: { arguments: Readonly<Record<string, unknown>>; policies: readonly string[]; requestedWith: string },
  ): Promise<Approval> {
    const now = this.#clock.now();
    const open = await this.#records.findOpen(binding, now);
    if (open) return open;
    const approval = await this.#records.create(binding, { ...details, now, expiresAt: now + this.#ttlMs });
    this.#logger.info(
      { approval: approval.id, action: binding.action, resource: binding.resource },
      'approval requested',
    );
    const event: ApprovalRequestedEvent = { id: approval.id, state: 'pending' };
    await this.#bus.publish(APPROVAL_REQUESTED_TOPIC, event);
    return approval;
  }

  /** An approved, unused, unexpired approval for exactly this call, if any. */
  async findApproved(binding: ApprovalBinding): Promise<Approval | undefined> {
    const open = await this.#records.findOpen(binding, this.#clock.now());
    return open?.state === 'approved' ? open : undefined;
  }

  async get(id: string): Promise<Approval | undefined> {
    return this.#records.get(id, this.#clock.now());
  }

  /** The credential that asked for approval `id` (see `credentialKey`), if recorded. */
  requestedWith(id: string): Promise<string | undefined> {
    return this.#records.requestedWith(id);
  }

  async list(filter: { state?: ApprovalState; limit?: number } = {}): Promise<Approval[]> {
    return this.#records.list(this.#clock.now(), filter);
  }

  /**
   * Records a human's decision. Whether `by` may decide is policy's question
   * (see PolicyService.decideApproval); this only enforces the state machine.
   */
  async decide(id: string, outcome: 'approved' | 'denied', by: string): Promise<Approval> {
    const now = this.#clock.now();
    if (!(await this.#records.decide(id, outcome, by, now))) {
      const current = await this.#records.get(id, now);
      if (!current) throw new NotFoundError(`approval ${id}`);
      throw new ApprovalStateError(`approval ${id} is ${current.state}, not pending`, current.state);
    }
    await this.#announce({ id, state: outcome });
    this.#logger.info({ approval: id, outcome, by }, 'approval decided');
    return (await this.#records.get(id, now)) as Approval;
  }

  /**
   * Resolves with the approval's outcome once it is decided or expires; no
   * polling. Rejects with NotFoundError for an unknown id and with the
   * signal's reason if `signal` aborts.
   * @see RequestPipeline.waitForApproval
   */
  waitForApproval(id: string, signal?: AbortSignal): Promise<ApprovalOutcome> {
    return new Promise<ApprovalOutcome>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      let waiters = this.#waiters.get(id);
      if (!waiters) {
        waiters = new Set();
        this.#waiters.set(id, waiters);
      }
      const onAbort = () => {
        finish();
        reject(signal?.reason);
      };
      const waiter = (outcome: ApprovalOutcome) => {
        finish();
        resolve(outcome);
      };
      const finish = () => {
        signal?.removeEventListener('abort', onAbort);
        const set = this.#waiters.get(id);
        set?.delete(waiter);
        if (set?.size === 0) {
          this.#waiters.delete(id);
          clearTimeout(this.#timers.get(id));
          this.#timers.delete(id);
        }
      };
      // Registered before reading, so a decision made in between is not missed.
      waiters.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#records.get(id, this.#clock.now()).then(
        (approval) => {
          if (!approval) {
            finish();
            reject(new NotFoundError(`approval ${id}`));
          } else if (approval.state !== 'pending') waiter(approval.state);
          else this.#armExpiry(id, approval.expiresAt);
        },
        (error: unknown) => {
          finish();
          reject(error);
        },
      );
    });
  }

  /**
   * Uses an approved approval for exactly this call: same principal, actor
   * chain, action, resource, on-behalf-of user and argument digest. Single
   * use, atomic across concurrent callers and replicas.
   * @see RequestPipeline.consumeApproval
   */
  async consumeApproval(id: string, binding: ApprovalBinding): Promise<boolean> {
    const consumed = await this.#records.consume(id, binding, this.#clock.now());
    if (!consumed)
      this.#logger.warn({ approval: id }, 'approval not consumed: used, expired, undecided or for another call');
    return consumed;
  }

  /**
   * Makes a used approval usable once more, for exactly the call it was used
   * for, while it is unexpired: that call asked for input instead of
   * completing, and its retry is the same call.
   * @see RequestPipeline.releaseApproval
   */
  async releaseApproval(id: string, binding: ApprovalBinding): Promise<void> {
    if (await this.#records.release(id, binding, this.#clock.now())) {
      this.#logger.info({ approval: id }, 'approval kept for the retry of a call that asked for input');
    }
  }

  /** Marks every pending approval past its expiry as expired and announces it; the expiry timers call this. */
  async expireDue(): Promise<string[]> {
    const expired = await this.#records.expireDue(this.#clock.now());
    for (const id of expired) await this.#announce({ id, state: 'expired' });
    return expired;
  }

  #armExpiry(id: string, expiresAt: number): void {
    if (this.#timers.has(id) || !this.#waiters.has(id)) return;
    const delay = Math.min(Math.max(expiresAt - this.#clock.now(), 0), MAX_TIMER_MS);
    const timer = setTimeout(() => {
      this.#timers.delete(id);
      this.expireDue()
        .then(() => this.#records.get(id, this.#clock.now()))
        .then((approval) => {
          if (!approval) return;
          if (approval.state !== 'pending') this.#settle(id, approval.state);
          else this.#armExpiry(id, approval.expiresAt);
        })
        .catch((error: unknown) => this.#logger.error({ err: error, approval: id }, 'approval expiry failed'));
    }, delay);
    timer.unref();
    this.#timers.set(id, timer);
  }

  async #announce(event: ApprovalDecidedEvent): Promise<void> {
    this.#settle(event.id, event.state);
    await this.#bus.publish(APPROVAL_DECIDED_TOPIC, event);
  }

  #onDecided(payload: unknown): void {
    const event = payload as Partial<ApprovalDecidedEvent> | undefined;
    if (typeof event?.id !== 'string') return;
    if (event.state === 'approved' || event.state === 'denied' || event.state === 'expired')
      this.#settle(event.id, event.state);
  }

  #settle(id: string, outcome: ApprovalOutcome): void {
    for (const waiter of [...(this.#waiters.get(id) ?? [])]) waiter(outcome);
  }
}
