import { OutboundError } from '../errors/parley-error.ts';
import { openBody } from './open-body.ts';
import type { Exchange } from './send-request.ts';

/** What bounds a streamed body once the response head is in. */
export interface StreamLimits {
  /** Largest body, on the wire and decoded; `Infinity` for no cap. */
  readonly maxBytes: number;
  /** How long no bytes may move (a silent server or a consumer that stopped reading) before the stream fails. */
  readonly idleTimeoutMs: number;
  /** Aborting it destroys the connection and fails the stream with the abort reason. */
  readonly signal?: AbortSignal | undefined;
}

/** A response body handed over as it arrives. */
export interface StreamedBody {
  readonly body: ReadableStream<Uint8Array<ArrayBuffer>>;
  /** True when a Content-Encoding is undone, so the length and encoding headers no longer apply. */
  readonly decoded: boolean;
}

/**
 * Hands the body over as a web stream that reads from the socket only when
 * its consumer reads: a slow consumer leaves the socket paused (TCP pushes
 * back on the server) instead of the body piling up in memory. Cancelling
 * the stream, aborting `signal`, passing the size cap or the idle timeout
 * destroys the connection at once.
 */
export function streamBody(
  exchange: Exchange,
  outbound: { readonly url: URL; readonly method: string },
  limits: StreamLimits,
): StreamedBody {
  const { output, decoded, explain } = openBody(exchange, outbound, limits.maxBytes);
  const { signal, idleTimeoutMs } = limits;
  const chunks: AsyncIterator<Buffer> = output[Symbol.asyncIterator]();
  let controller: ReadableStreamDefaultController<Uint8Array<ArrayBuffer>> | undefined;
  let idle: NodeJS.Timeout | undefined;
  let settled = false;

  const settle = () => {
    settled = true;
    clearTimeout(idle);
    signal?.removeEventListener('abort', onAbort);
  };
  const release = () => {
    exchange.request.destroy();
    output.destroy();
  };
  const fail = (reason: unknown) => {
    if (settled) return;
    settle();
    release();
    controller?.error(reason);
  };
  const onAbort = () => fail(signal?.reason);
  const restartIdleTimer = () => {
    clearTimeout(idle);
    idle = setTimeout(
      () =>
        fail(
          new OutboundError(
            'ERR_OUTBOUND_TIMEOUT',
            `stream from ${outbound.url.origin} moved no bytes for ${idleTimeoutMs} ms`,
          ),
        ),
      idleTimeoutMs,
    );
  };

  const body = new ReadableStream<Uint8Array<ArrayBuffer>>({
    start(started) {
      controller = started;
      if (signal?.aborted) {
        fail(signal.reason);
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      restartIdleTimer();
    },
    async pull(pulling) {
      let next: IteratorResult<Buffer>;
      try {
        next = await chunks.next();
      } catch (err) {
        fail(signal?.aborted ? signal.reason : explain(err));
        return;
      }
      if (settled) return;
      if (next.done === true) {
        settle();
        pulling.close();
        return;
      }
      restartIdleTimer();
      const chunk = next.value;
      // Socket reads and zlib output are never backed by shared memory.
      pulling.enqueue(new Uint8Array(chunk.buffer as ArrayBuffer, chunk.byteOffset, chunk.byteLength));
    },
    cancel() {
      if (settled) return;
      settle();
      release();
    },
  });
  return { body, decoded };
}
