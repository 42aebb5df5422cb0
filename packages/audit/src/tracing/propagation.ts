import {
  type Context,
  context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  ROOT_CONTEXT,
  type TextMapGetter,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/**
 * W3C Trace Context, used directly (not via the global propagator) so the
 * helpers work whether or not the SDK is registered in this process.
 * @see https://www.w3.org/TR/trace-context/
 */
const w3c = new W3CTraceContextPropagator();

export const TRACEPARENT = 'traceparent';
export const TRACESTATE = 'tracestate';

type HeaderValue = string | string[] | number | undefined | null;
type HeaderRecord = Readonly<Record<string, HeaderValue>>;

const headerGetter: TextMapGetter<HeaderRecord | Headers> = {
  keys: (carrier) => (carrier instanceof Headers ? [...carrier.keys()] : Object.keys(carrier)),
  get(carrier, key) {
    if (carrier instanceof Headers) return carrier.get(key) ?? undefined;
    const found = Object.keys(carrier).find((k) => k.toLowerCase() === key);
    const value = found === undefined ? undefined : carrier[found];
    if (value === undefined || value === null) return undefined;
    return Array.isArray(value) ? value.map(String) : String(value);
  },
};

/** Adds `traceparent` (and `tracestate`) for `ctx` to outgoing HTTP headers; returns them. */
export function injectTraceHeaders<H extends Record<string, string>>(
  headers: H,
  ctx: Context = context.active(),
): H & { traceparent?: string; tracestate?: string } {
  w3c.inject(ctx, headers, defaultTextMapSetter);
  return headers;
}

/** Same, for a fetch `Headers` object. */
export function injectTraceIntoHeaders(headers: Headers, ctx: Context = context.active()): Headers {
  w3c.inject(ctx, headers, { set: (carrier, key, value) => carrier.set(key, value) });
  return headers;
}

/** The context an incoming request's `traceparent`/`tracestate` headers continue (based on `base`). */
export function extractTraceHeaders(headers: HeaderRecord | Headers, base: Context = ROOT_CONTEXT): Context {
  return w3c.extract(base, headers, headerGetter);
}

/** The carried fields as a plain object: `{traceparent, tracestate?}`, empty when no span is active. */
export function traceCarrier(ctx: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  w3c.inject(ctx, carrier, defaultTextMapSetter);
  return carrier;
}

function extractFromRecord(record: unknown, base: Context): Context {
  if (record === null || typeof record !== 'object') return base;
  const plain: Record<string, string> = {};
  for (const key of [TRACEPARENT, TRACESTATE]) {
    const value = (record as Record<string, unknown>)[key];
    if (typeof value === 'string') plain[key] = value;
  }
  return w3c.extract(base, plain, defaultTextMapGetter);
}

/**
 * Returns MCP request `params` with the trace context in `params._meta`
 * (`traceparent`, `tracestate`), keeping any other `_meta` keys.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic#meta
 */
export function injectMcpMeta<P extends Record<string, unknown>>(
  params: P | undefined,
  ctx: Context = context.active(),
): P & { _meta?: Record<string, unknown> } {
  const carrier = traceCarrier(ctx);
  const base = (params ?? {}) as P & { _meta?: Record<string, unknown> };
  if (Object.keys(carrier).length === 0) return base;
  const meta = base._meta && typeof base._meta === 'object' ? base._meta : {};
  return { ...base, _meta: { ...meta, ...carrier } };
}

/** The context an MCP request's `params._meta.traceparent` continues. */
export function extractMcpMeta(params: unknown, base: Context = ROOT_CONTEXT): Context {
  if (params === null || typeof params !== 'object') return base;
  return extractFromRecord((params as { _meta?: unknown })._meta, base);
}

/**
 * Returns an A2A message (or any object with `metadata`) with the trace
 * context in `metadata.traceparent`/`metadata.tracestate`.
 * @see https://a2a-protocol.org/latest/specification/ (Message.metadata)
 */
export function injectA2aMetadata<M extends { metadata?: Record<string, unknown> | undefined }>(
  message: M,
  ctx: Context = context.active(),
): M {
  const carrier = traceCarrier(ctx);
  if (Object.keys(carrier).length === 0) return message;
  return { ...message, metadata: { ...(message.metadata ?? {}), ...carrier } };
}

/** The context an A2A message's `metadata.traceparent` continues. */
export function extractA2aMetadata(message: unknown, base: Context = ROOT_CONTEXT): Context {
  if (message === null || typeof message !== 'object') return base;
  return extractFromRecord((message as { metadata?: unknown }).metadata, base);
}
