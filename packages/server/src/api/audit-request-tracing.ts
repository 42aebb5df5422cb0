import { context, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { extractTraceHeaders, injectTraceHeaders, type MeshMetrics, parleyTracer } from '@parley/audit';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Probes and scrapes are counted but not traced: they would bury the traces that matter. */
const UNTRACED = new Set(['/healthz', '/readyz', '/metrics']);

interface RequestTrace {
  readonly span: Span | undefined;
  readonly ctx: ReturnType<typeof context.active>;
  readonly started: number;
}

/**
 * One server span per HTTP request, continuing an incoming W3C `traceparent`,
 * made the active context for the route handler; and the request counters.
 * Hooks on the root instance, so every part's routes get them.
 * @see https://www.w3.org/TR/trace-context/#traceparent-header
 */
export function installRequestTracing(app: FastifyInstance, metrics: MeshMetrics): void {
  const traces = new WeakMap<FastifyRequest, RequestTrace>();
  app.addHook('onRequest', (request, _reply, done) => {
    const path = request.url.split('?')[0] ?? '/';
    const parent = extractTraceHeaders(request.headers, context.active());
    let span: Span | undefined;
    let ctx = parent;
    if (!UNTRACED.has(path)) {
      span = parleyTracer().startSpan(
        request.method,
        { kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method, 'url.path': path } },
        parent,
      );
      ctx = trace.setSpan(parent, span);
      // The caller learns the trace id of what it started (`parley ask` prints it).
      // Set on the raw response so hijacked replies (SSE, OAuth) carry it too.
      const carrier = injectTraceHeaders({}, ctx);
      if (carrier.traceparent) _reply.raw.setHeader('traceparent', carrier.traceparent);
    }
    traces.set(request, { span, ctx, started: performance.now() });
    // Running the rest of the lifecycle inside the context makes the span active for it.
    context.with(ctx, done);
  });
  app.addHook('preHandler', (request, _reply, done) => {
    const current = traces.get(request);
    if (!current) return done();
    const route = request.routeOptions.url;
    if (current.span && route) {
      current.span.updateName(`${request.method} ${route}`);
      current.span.setAttribute('http.route', route);
    }
    // Body parsing may have left the context; re-enter it for the handler.
    context.with(current.ctx, done);
  });
  app.addHook('onResponse', (request, reply, done) => {
    const current = traces.get(request);
    const route = request.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    metrics.recordRequest(request.method, route, status, current ? performance.now() - current.started : 0);
    if (current?.span) {
      current.span.setAttribute('http.response.status_code', status);
      if (status >= 500) current.span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${status}` });
      current.span.end();
    }
    traces.delete(request);
    done();
  });
  app.addHook('onRequestAbort', (request, done) => {
    const current = traces.get(request);
    if (current?.span) {
      // The client went away (an MCP client closing its GET stream, say): not a server error.
      current.span.setAttribute('http.request.aborted', true);
      current.span.end();
    }
    traces.delete(request);
    done();
  });
}
