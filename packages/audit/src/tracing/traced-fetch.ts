import { context } from '@opentelemetry/api';
import type { FetchFunction } from '@parley/core';
import { injectTraceIntoHeaders } from './propagation.ts';

/**
 * Wraps a fetch so every request carries the active span's W3C trace context
 * (`traceparent`, `tracestate`): the next hop continues the same trace.
 * @see https://www.w3.org/TR/trace-context/#traceparent-header
 */
export function tracedFetch(fetchImpl: FetchFunction): FetchFunction {
  return (input, init = {}) => {
    const headers = new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined));
    injectTraceIntoHeaders(headers, context.active());
    return fetchImpl(input, { ...init, headers });
  };
}
