import type { HrTime } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-node';
import type { Logger } from '@parley/core';
import type { SpanStore } from './span-store.ts';
import { SPAN_KINDS, STATUS_CODES, type StoredSpan } from './stored-span.ts';

/** Prune the span store at most this often. */
const PRUNE_EVERY_MS = 60_000;

/** An OpenTelemetry span exporter that writes into the embedded span store (behind a batch processor). */
export class SpanStoreExporter implements SpanExporter {
  readonly #spans: SpanStore;
  readonly #logger: Logger | undefined;
  #lastPrune = 0;
  #pending = new Set<Promise<void>>();

  constructor(spans: SpanStore, logger?: Logger) {
    this.#spans = spans;
    this.#logger = logger;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    const work = this.#write(spans).then(
      () => resultCallback({ code: ExportResultCode.SUCCESS }),
      (error: unknown) => {
        this.#logger?.warn({ err: error, spans: spans.length }, 'span store write failed');
        resultCallback({ code: ExportResultCode.FAILED, error: error as Error });
      },
    );
    this.#track(work);
  }

  async forceFlush(): Promise<void> {
    await Promise.all([...this.#pending]);
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
  }

  async #write(spans: ReadableSpan[]): Promise<void> {
    await this.#spans.write(spans.map(toStoredSpan));
    const now = Date.now();
    if (now - this.#lastPrune > PRUNE_EVERY_MS) {
      this.#lastPrune = now;
      // Not awaited: the batch processor runs one export at a time, and spans ended during a long prune would be dropped.
      this.#track(
        this.#spans.prune().then(
          () => {},
          (error: unknown) => this.#logger?.warn({ err: error }, 'span store prune failed'),
        ),
      );
    }
  }

  #track(work: Promise<void>): void {
    this.#pending.add(work);
    void work.finally(() => this.#pending.delete(work));
  }
}

/** The stored form of an SDK span. */
export function toStoredSpan(span: ReadableSpan): StoredSpan {
  const context = span.spanContext();
  const message = span.status.message;
  return {
    traceId: context.traceId,
    spanId: context.spanId,
    parentSpanId: span.parentSpanContext?.spanId ?? null,
    name: span.name,
    kind: SPAN_KINDS[span.kind] ?? 'internal',
    service: String(span.resource.attributes['service.name'] ?? 'parley'),
    startUs: hrToMicros(span.startTime),
    endUs: hrToMicros(span.endTime),
    status: { code: STATUS_CODES[span.status.code] ?? 'unset', ...(message ? { message } : {}) },
    attributes: { ...span.attributes },
    events: span.events.map((event) => ({
      name: event.name,
      timeUs: hrToMicros(event.time),
      attributes: { ...(event.attributes ?? {}) },
    })),
  };
}

function hrToMicros([seconds, nanos]: HrTime): number {
  return seconds * 1_000_000 + Math.floor(nanos / 1000);
}
