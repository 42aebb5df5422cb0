import { Worker } from 'node:worker_threads';
import type { Store } from '@parley/store';
import { AuditError } from '../errors.ts';
import type { AuditReceipt } from '../log/entry.ts';
import type { UnchainedEntry } from '../log/normalize.ts';
import type { SpanRow } from '../tracing/span-row.ts';
import type { WriteOp, WriteReply, WriteRequest } from './writer-thread.ts';

/** The writer thread's name (also the OS thread's, as `top -H` shows it). */
export const WRITER_THREAD_NAME = 'parley-writer';

type Done = Exclude<WriteReply, { error: string }>;

interface Waiting {
  resolve(reply: Done): void;
  reject(error: unknown): void;
}

/**
 * Writes audit entries and spans to a SQLite file from a worker thread with
 * its own connection. `node:sqlite` is synchronous: on the server's thread
 * every commit (an fsync, with `synchronous = FULL`) and every insert would
 * stall every request in flight. The worker takes the same `BEGIN IMMEDIATE`
 * write lock as the main connection, so the audit chain stays linear across
 * threads and processes. A write resolves only after its COMMIT returned; a
 * worker that dies fails its writes and is started again for the next one.
 */
export class SqliteWriter {
  readonly #path: string;
  #worker: Worker | undefined;
  #next = 0;
  readonly #waiting = new Map<number, Waiting>();

  /** A writer for `store` when it is a SQLite file; none for PostgreSQL (asynchronous already) or in-memory SQLite. */
  static forStore(store: Store): SqliteWriter | undefined {
    return store.dialect === 'sqlite' && store.location !== ':memory:' ? new SqliteWriter(store.location) : undefined;
  }

  constructor(path: string) {
    this.#path = path;
  }

  /** Chains `batch` onto the audit log after its head, in one transaction. */
  async appendAudit(batch: readonly UnchainedEntry[]): Promise<AuditReceipt[]> {
    return [...(await this.#send({ op: 'audit', batch })).receipts];
  }

  /** Stores finished spans, in one transaction; a span already stored is kept as it was. */
  async insertSpans(rows: readonly SpanRow[]): Promise<void> {
    await this.#send({ op: 'spans', rows });
  }

  /**
   * Deletes the spans that started before `cutoffUs` and the oldest beyond the
   * newest `maxSpans`, in short transactions that let other writes in between;
   * resolves with how many went.
   */
  async pruneSpans(cutoffUs: number, maxSpans: number): Promise<number> {
    return (await this.#send({ op: 'prune-spans', cutoffUs, maxSpans })).deleted ?? 0;
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }

  #send(request: WriteOp): Promise<Done> {
    const worker = this.#start();
    const id = ++this.#next;
    return new Promise<Done>((resolve, reject) => {
      // Referenced only while a write is in flight: an idle writer never keeps a process alive.
      if (this.#waiting.size === 0) worker.ref();
      this.#waiting.set(id, { resolve, reject });
      worker.postMessage({ ...request, id } satisfies WriteRequest);
    });
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(new URL('./writer-thread.ts', import.meta.url), {
      workerData: { path: this.#path },
      // The OS thread's name too: `top -H` and the MCP bench tell its CPU time apart.
      name: WRITER_THREAD_NAME,
    });
    worker.unref();
    worker.on('message', (reply: WriteReply) => {
      const waiting = this.#waiting.get(reply.id);
      if (!waiting) return;
      this.#waiting.delete(reply.id);
      if (this.#waiting.size === 0) worker.unref();
      if ('error' in reply) waiting.reject(new AuditError('ERR_AUDIT_WRITE', `SQLite write failed: ${reply.error}`));
      else waiting.resolve(reply);
    });
    const fail = (error: unknown) => {
      if (this.#worker === worker) this.#worker = undefined;
      for (const waiting of this.#waiting.values()) {
        waiting.reject(new AuditError('ERR_AUDIT_WRITE', 'the SQLite writer thread stopped', { cause: error }));
      }
      this.#waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`exit code ${code}`)));
    this.#worker = worker;
    return worker;
  }
}
