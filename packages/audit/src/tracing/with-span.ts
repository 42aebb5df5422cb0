import {
  type Attributes,
  type Context,
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { isParleyError } from '@parley/core';
import { ATTR_STEP, type PipelineStep } from './attributes.ts';

/** The instrumentation scope every Parley part creates spans under. */
export const TRACER_NAME = 'parley';

/** The tracer every part uses (a no-op until the audit part registers the SDK). */
export function parleyTracer(): Tracer {
  return trace.getTracer(TRACER_NAME);
}

export interface WithSpanOptions {
  kind?: SpanKind;
  /** Parent context; defaults to the active one. */
  parent?: Context;
}

/**
 * Runs `fn` inside a new active span: ends it, records an exception and an
 * error status if `fn` throws (then rethrows). Child spans and outgoing
 * propagation inside `fn` see this span.
 * @see https://opentelemetry.io/docs/specs/otel/trace/api/#span
 */
export function withSpan<T>(
  name: string,
  attributes: Attributes,
  fn: (span: Span) => Promise<T> | T,
  options: WithSpanOptions = {},
): Promise<T> {
  const tracer = parleyTracer();
  const parent = options.parent ?? context.active();
  return tracer.startActiveSpan(name, { attributes, kind: options.kind ?? SpanKind.INTERNAL }, parent, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      markSpanError(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** A span for one request-pipeline step, named `parley.<step>`. */
export function withStepSpan<T>(
  step: PipelineStep,
  attributes: Attributes,
  fn: (span: Span) => Promise<T> | T,
  options: WithSpanOptions = {},
): Promise<T> {
  return withSpan(`parley.${step}`, { ...attributes, [ATTR_STEP]: step }, fn, options);
}

/** Sets error status on `span` with the error's stable code (never its internal detail). */
export function markSpanError(span: Span, error: unknown): void {
  const code = isParleyError(error) ? error.code : error instanceof Error ? error.name : 'Error';
  span.setStatus({ code: SpanStatusCode.ERROR, message: code });
  span.setAttribute('error.type', code);
}

/** The active span's trace id, if a trace is being recorded (for audit entries and logs). */
export function activeTraceId(ctx: Context = context.active()): string | undefined {
  const spanContext = trace.getSpanContext(ctx);
  if (!spanContext || !trace.isSpanContextValid(spanContext)) return undefined;
  return spanContext.traceId;
}
