import { createServer, type IncomingMessage, type Server } from 'node:http';
import { context, trace } from '@opentelemetry/api';
import { testStoreBackends } from '@parley/store';
import { afterEach, describe, expect, it } from 'vitest';
import { ATTR_ACTOR_CHAIN, ATTR_PRINCIPAL, ATTR_TOOL } from './attributes.ts';
import {
  extractA2aMetadata,
  extractMcpMeta,
  extractTraceHeaders,
  injectA2aMetadata,
  injectMcpMeta,
  injectTraceHeaders,
} from './propagation.ts';
import { SpanStore } from './span-store.ts';
import { buildTraceTree } from './trace-tree.ts';
import { type OtlpProtocol, startTracing, type Tracing } from './tracing.ts';
import { activeTraceId, withSpan, withStepSpan } from './with-span.ts';

const [sqlite] = testStoreBackends();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function tracingWith(
  otlpEndpoint?: string,
  otlpProtocol?: OtlpProtocol,
  sampleRatio?: number,
): Promise<{ tracing: Tracing; spans: SpanStore }> {
  if (!sqlite) throw new Error('no sqlite backend');
  const opened = await sqlite.open();
  const spans = new SpanStore({ store: opened.store });
  const tracing = startTracing({
    serviceName: 'parley-test',
    spans,
    otlpEndpoint,
    otlpProtocol,
    sampleRatio,
    batchDelayMs: 50,
  });
  cleanups.push(async () => {
    await tracing.shutdown();
    await spans.close();
    await opened.dispose();
  });
  return { tracing, spans };
}

/** An OTLP/HTTP receiver on 127.0.0.1 collecting the raw bodies. */
async function otlpReceiver(): Promise<{ url: string; bodies: Buffer[]; paths: string[] }> {
  const bodies: Buffer[] = [];
  const paths: string[] = [];
  const server: Server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      paths.push(`${request.method} ${request.url} ${request.headers['content-type']}`);
      bodies.push(Buffer.concat(chunks));
      response.writeHead(200, { 'content-type': String(request.headers['content-type']) }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, bodies, paths };
}

describe('tracing', () => {
  const exportSpans = async (tracing: Tracing) => {
    await withSpan('parley.ask', { [ATTR_PRINCIPAL]: 'User::alice' }, () =>
      withStepSpan(
        'forward',
        { [ATTR_TOOL]: 'calendar.find_free_slots', [ATTR_ACTOR_CHAIN]: ['scheduler', 'concierge'] },
        () => 'ok',
      ),
    );
    await tracing.flush();
  };

  it('exports spans to an OTLP/HTTP receiver as binary protobuf by default', async () => {
    const receiver = await otlpReceiver();
    const { tracing } = await tracingWith(receiver.url);
    await exportSpans(tracing);
    expect(receiver.paths[0]).toMatch(/^POST \/v1\/traces application\/x-protobuf/);
    const body = Buffer.concat(receiver.bodies);
    // An ExportTraceServiceRequest starts with field 1 (resource_spans, length-delimited); strings are kept as UTF-8.
    expect(body[0]).toBe(0x0a);
    expect(() => JSON.parse(body.toString('utf8'))).toThrow();
    for (const text of ['parley.forward', 'parley.ask', 'calendar.find_free_slots', 'parley-test']) {
      expect(body.includes(Buffer.from(text)), text).toBe(true);
    }
  });

  it('exports spans with Parley attributes as JSON when asked to (http/json)', async () => {
    const receiver = await otlpReceiver();
    const { tracing } = await tracingWith(receiver.url, 'http/json');
    await exportSpans(tracing);
    expect(receiver.paths[0]).toMatch(/^POST \/v1\/traces application\/json/);
    const text = JSON.stringify(receiver.bodies.map((b) => JSON.parse(b.toString('utf8')) as unknown));
    expect(text).toContain('"parley.forward"');
    expect(text).toContain('"parley.ask"');
    expect(text).toContain('calendar.find_free_slots');
    expect(text).toContain('"parley-test"');
  });

  it('keeps finished spans in the span store as one tree per trace', async () => {
    const { tracing, spans } = await tracingWith();
    let traceId = '';
    await withSpan('parley.ask', {}, async () => {
      traceId = activeTraceId() ?? '';
      await withStepSpan('decide', {}, () => undefined);
      await withStepSpan('forward', {}, async () => {
        await withSpan('mcp.tools/call', {}, () => undefined);
      });
    });
    await expect(withSpan('parley.fails', {}, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await tracing.flush();
    const stored = await spans.getTrace(traceId);
    expect(stored.map((s) => s.name).sort()).toEqual([
      'mcp.tools/call',
      'parley.ask',
      'parley.decide',
      'parley.forward',
    ]);
    const [root, ...others] = buildTraceTree(stored);
    expect(others).toEqual([]);
    expect(root?.span.name).toBe('parley.ask');
    // Siblings are in start order, which the SDK only knows to about a millisecond.
    expect(root?.children.map((c) => c.span.name).sort()).toEqual(['parley.decide', 'parley.forward']);
    expect(root?.children.find((c) => c.span.name === 'parley.forward')?.children.map((c) => c.span.name)).toEqual([
      'mcp.tools/call',
    ]);
    const list = await spans.listTraces();
    expect(list.find((t) => t.traceId === traceId)).toMatchObject({ root: 'parley.ask', spans: 4, errors: 0 });
    expect(list.find((t) => t.root === 'parley.fails')).toMatchObject({ errors: 1 });
    expect(await spans.getTrace('0'.repeat(32))).toEqual([]);
  });

  it('samples new traces by ratio and follows a caller that asks for its trace to be recorded', async () => {
    const { tracing, spans } = await tracingWith(undefined, undefined, 0);
    const traceOf = (parent = context.active()) =>
      withSpan('parley.ask', {}, () => withStepSpan('decide', {}, () => activeTraceId() ?? ''), { parent });
    const unsampled = await traceOf();
    // The trace id still exists (audit entries and logs carry it); nothing of it is kept.
    expect(unsampled).toMatch(/^[0-9a-f]{32}$/);
    const sampledByCaller = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSampled = extractTraceHeaders(
      { traceparent: `00-${sampledByCaller}-00f067aa0ba902b7-01` },
      context.active(),
    );
    const notSampledByCaller = '5bf92f3577b34da6a3ce929d0e0e4736';
    const callerUnsampled = extractTraceHeaders(
      { traceparent: `00-${notSampledByCaller}-00f067aa0ba902b7-00` },
      context.active(),
    );
    expect(await traceOf(callerSampled)).toBe(sampledByCaller);
    expect(await traceOf(callerUnsampled)).toBe(notSampledByCaller);
    await tracing.flush();
    expect(await spans.getTrace(unsampled)).toEqual([]);
    expect(await spans.getTrace(notSampledByCaller)).toEqual([]);
    expect((await spans.getTrace(sampledByCaller)).map((s) => s.name).sort()).toEqual(['parley.ask', 'parley.decide']);
  });

  it('records every trace when the ratio is 1', async () => {
    const { tracing, spans } = await tracingWith(undefined, undefined, 1);
    const traceId = await withSpan('parley.ask', {}, () => activeTraceId() ?? '');
    await tracing.flush();
    expect((await spans.getTrace(traceId)).map((s) => s.name)).toEqual(['parley.ask']);
  });

  it("starts new traces with ids in time order, and keeps a caller's trace id as it is", async () => {
    await tracingWith();
    const before = Date.now();
    const first = await withSpan('parley.ask', {}, () => activeTraceId() ?? '');
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await withSpan('parley.ask', {}, () => activeTraceId() ?? '');
    const after = Date.now();
    for (const id of [first, second]) {
      expect(Number.parseInt(id.slice(0, 12), 16)).toBeGreaterThanOrEqual(before);
      expect(Number.parseInt(id.slice(0, 12), 16)).toBeLessThanOrEqual(after);
    }
    expect(second > first).toBe(true);
    const callers = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parent = extractTraceHeaders({ traceparent: `00-${callers}-00f067aa0ba902b7-01` }, context.active());
    expect(await withSpan('parley.ask', {}, () => activeTraceId() ?? '', { parent })).toBe(callers);
  });

  it('carries one trace through HTTP headers, MCP _meta and A2A metadata', async () => {
    await tracingWith();
    await withSpan('concierge', {}, async (span) => {
      const traceId = span.spanContext().traceId;
      const headers = injectTraceHeaders({ accept: 'application/json' });
      expect(headers.traceparent).toMatch(new RegExp(`^00-${traceId}-${span.spanContext().spanId}-01$`));
      const params = injectMcpMeta({ name: 'calendar.find', _meta: { progressToken: 7 } });
      expect(params._meta).toMatchObject({ progressToken: 7, traceparent: headers.traceparent });
      const message = injectA2aMetadata({ role: 'user', parts: [], metadata: { x: 1 } });
      expect(message.metadata).toMatchObject({ x: 1, traceparent: headers.traceparent });

      for (const carried of [
        extractTraceHeaders({ TraceParent: headers.traceparent }),
        extractMcpMeta(params),
        extractA2aMetadata(message),
      ]) {
        expect(trace.getSpanContext(carried)?.traceId).toBe(traceId);
        // A span started from the carried context continues the same trace.
        await withSpan('next-hop', {}, (child) => expect(child.spanContext().traceId).toBe(traceId), {
          parent: carried,
        });
      }
    });
    expect(trace.getSpanContext(extractTraceHeaders({ traceparent: 'garbage' }))).toBeUndefined();
    expect(injectMcpMeta({ name: 'x' }, context.active())).toEqual({ name: 'x' });
  });
});
