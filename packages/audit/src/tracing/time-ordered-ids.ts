import type { IdGenerator } from '@opentelemetry/sdk-trace-node';
import { millisHex, randomHex } from '@parley/core';

/**
 * Trace ids that start with the time, as UUIDv7 does: 48 bits of Unix
 * milliseconds, then 80 random bits. Span ids are 64 random bits.
 *
 * Why: the span store's primary key and the audit log's trace index are
 * B-trees on the trace id. With random ids every batch of spans landed all over
 * a tree of 100 000 spans, and SQLite rewrote a page per span: 8–9 µs per
 * stored span against 2.6 µs for ids in time order (same table, same batches).
 * The random part keeps ids unguessable and unique across replicas. It also
 * keeps ratio sampling unbiased: W3C Trace Context asks for randomness in the
 * rightmost bytes, and those are what samplers read. A trace id that a caller
 * sends in `traceparent` is kept as it is.
 * @see https://www.w3.org/TR/trace-context-2/#trace-id
 * @see https://www.rfc-editor.org/rfc/rfc9562#name-uuid-version-7
 */
export class TimeOrderedIdGenerator implements IdGenerator {
  generateTraceId(): string {
    return millisHex() + randomHex(10);
  }

  generateSpanId(): string {
    const id = randomHex(8);
    // All zeros is the W3C "invalid" span id; 1 in 2^64, but never emit it.
    return id === '0000000000000000' ? '0000000000000001' : id;
  }
}
