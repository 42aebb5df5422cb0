import { AuditError } from '../errors.ts';

interface Pending<I, O> {
  readonly item: I;
  resolve(value: O): void;
  reject(error: unknown): void;
}

/**
 * Group commit: an item submitted while nothing is being committed goes at
 * once (a lone writer waits for nothing but its own commit); items submitted
 * while a batch is being committed wait and go together in the next one, so N
 * concurrent writers cost about one transaction instead of N. Every promise
 * resolves only after its own commit.
 */
export class GroupCommit<I, O> {
  readonly #commit: (items: readonly I[]) => Promise<readonly O[]>;
  readonly #maxBatch: number;
  #queue: Pending<I, O>[] = [];
  #running: Promise<void> | undefined;
  #closed = false;

  constructor(commit: (items: readonly I[]) => Promise<readonly O[]>, options: { maxBatch?: number } = {}) {
    this.#commit = commit;
    this.#maxBatch = options.maxBatch ?? 500;
  }

  submit(item: I): Promise<O> {
    if (this.#closed) return Promise.reject(new AuditError('ERR_AUDIT_CLOSED', 'the audit log is closed'));
    return new Promise<O>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      this.#running ??= this.#drain();
    });
  }

  /** Resolves once everything submitted so far is committed (or failed). */
  async flush(): Promise<void> {
    while (this.#running) await this.#running;
  }

  /** Refuses new items and waits for the queued ones. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, this.#maxBatch);
        try {
          const results = await this.#commit(batch.map((p) => p.item));
          batch.forEach((pending, i) => {
            pending.resolve(results[i] as O);
          });
        } catch (error) {
          for (const pending of batch) pending.reject(error);
        }
      }
    } finally {
      this.#running = undefined;
    }
  }
}
