import { OutboundError } from '../errors/parley-error.ts';
import { linkSignals } from './linked-signal.ts';

/** One fetch's time budget, redirects included, joined with the caller's signal. */
export interface Deadline {
  /** Aborts when the budget runs out or the caller aborts. */
  readonly signal: AbortSignal;
  /** What to throw for `err`: the abort reason once aborted, else `err` itself. */
  explain(err: unknown): unknown;
  /** Stops the timer and detaches from the caller's signal; call once the fetch is settled. */
  clear(): void;
}

export function startDeadline(timeoutMs: number, callerSignal: AbortSignal | undefined): Deadline {
  const timer = new AbortController();
  const handle = setTimeout(
    () => timer.abort(new OutboundError('ERR_OUTBOUND_TIMEOUT', `outbound request exceeded ${timeoutMs} ms`)),
    timeoutMs,
  );
  const linked = callerSignal === undefined ? undefined : linkSignals(callerSignal, timer.signal);
  const signal = linked?.signal ?? timer.signal;
  return {
    signal,
    // Whatever failed after an abort (socket reset, stream error) is a symptom; the abort is the cause.
    explain: (err) => (signal.aborted ? signal.reason : err),
    clear: () => {
      clearTimeout(handle);
      linked?.dispose();
    },
  };
}

/** Settles with `promise`, or rejects with the abort reason as soon as `signal` aborts. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
