/** One finished span as the embedded span store keeps and serves it. */
export interface StoredSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | null;
  readonly name: string;
  readonly kind: 'internal' | 'server' | 'client' | 'producer' | 'consumer';
  readonly service: string;
  /** Epoch microseconds. */
  readonly startUs: number;
  readonly endUs: number;
  readonly status: { readonly code: 'unset' | 'ok' | 'error'; readonly message?: string };
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly events: ReadonlyArray<{ name: string; timeUs: number; attributes: Record<string, unknown> }>;
}

/** One trace in a listing. */
export interface TraceSummary {
  readonly traceId: string;
  /** The root span's name (the first span without a parent in this store). */
  readonly root: string | null;
  readonly service: string | null;
  readonly startUs: number;
  readonly durationMs: number;
  readonly spans: number;
  readonly errors: number;
}

export const SPAN_KINDS = ['internal', 'server', 'client', 'producer', 'consumer'] as const;
export const STATUS_CODES = ['unset', 'ok', 'error'] as const;
