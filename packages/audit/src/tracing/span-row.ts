import type { Database } from '@parley/store';
import type { Insertable } from 'kysely';
import { SPAN_KINDS, STATUS_CODES, type StoredSpan } from './stored-span.ts';

/** The stored row of a span. */
export type SpanRow = Insertable<Database['audit_spans']>;

/** The row a span is stored as. */
export function spanToRow(span: StoredSpan): SpanRow {
  return {
    trace_id: span.traceId,
    span_id: span.spanId,
    parent_span_id: span.parentSpanId,
    name: span.name,
    kind: SPAN_KINDS.indexOf(span.kind),
    service: span.service,
    start_us: span.startUs,
    end_us: span.endUs,
    status_code: STATUS_CODES.indexOf(span.status.code),
    status_message: span.status.message ?? null,
    attributes: JSON.stringify(span.attributes),
    events: JSON.stringify(span.events),
  };
}
