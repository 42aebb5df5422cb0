import { Worker } from 'node:worker_threads';
import { AuditError } from '../errors.ts';
import type { AuditReceipt } from './entry.ts';
import type { UnchainedEntry } from './normalize.ts';
import type { AppendReply, AppendRequest } from './sqlite-append-worker.ts';

interface Waiting {
  resolve(receipts: AuditReceipt[]): void;
  reject(error: unknown): void;
}

/**
 * Appends audit batches to a SQLite file from a worker thread with its own
 * connection. `node:sqlite` is synchronous: on the server's thread every
 * commit (an fsync, with `synchronous = FULL`) would stall every request in
 * flight. The worker takes the same `BEGIN IMMEDIATE` write lock as the main
 * connection, so the chain stays linear across threads and processes. A batch
 * resolves only after its COMMIT returned; a worker that dies fails its
 * batches and is started again for the next one.
 */
export class SqliteAppender {
  readonly #path: string;
  #worker: Worker | undefined;
  #next = 0;
  readonly #waiting = new Map<number, Waiting>();

  constructor(path: string) {
    this.#path = path;
  }

  append(batch: readonly UnchainedEntry[]): Promise<AuditReceipt[]> {
    const worker = this.#start();
    const id = ++this.#next;
    return new Promise<AuditReceipt[]>((resolve, reject) => {
      // Referenced only while a batch is in flight: an idle appender never keeps a process alive.
      if (this.#waiting.size === 0) worker.ref();
      this.#waiting.set(id, { resolve, reject });
      worker.postMessage({ id, batch } satisfies AppendRequest);
    });
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(new URL('./sqlite-append-worker.ts', import.meta.url), {
      workerData: { path: this.#path },
    });
    worker.unref();
    worker.on('message', (reply: AppendReply) => {
      const waiting = this.#waiting.get(reply.id);
      if (!waiting) return;
      this.#waiting.delete(reply.id);
      if (this.#waiting.size === 0) worker.unref();
      if ('error' in reply) waiting.reject(new AuditError('ERR_AUDIT_WRITE', `audit append failed: ${reply.error}`));
      else waiting.resolve([...reply.receipts]);
    });
    const fail = (error: unknown) => {
      if (this.#worker === worker) this.#worker = undefined;
      for (const waiting of this.#waiting.values()) {
        waiting.reject(new AuditError('ERR_AUDIT_WRITE', 'the audit writer thread stopped', { cause: error }));
      }
      this.#waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`exit code ${code}`)));
    this.#worker = worker;
    return worker;
  }
}
