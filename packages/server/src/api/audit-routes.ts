import {
  AUDIT_APPENDED_TOPIC,
  type AuditLog,
  auditQuerySchema,
  type MeshMetrics,
  PROMETHEUS_CONTENT_TYPE,
  type SpanStore,
} from '@parley/audit';
import { type Clock, type EventBus, NotFoundError } from '@parley/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { apiCaller } from './api-caller.ts';
import { requireAdmin } from './audit-admin.ts';
import { parseInput } from './parse-input.ts';
import { liveStreams } from './sse-stream.ts';

export interface AuditRoutesOptions {
  audit: AuditLog;
  spans: SpanStore;
  metrics: MeshMetrics;
  services: ReadonlyMap<string, unknown>;
  /** Where committed entries are announced (AUDIT_APPENDED_TOPIC), for `/api/audit/stream`. */
  bus: EventBus;
  clock: Clock;
  /** A comment line keeps proxies from closing an idle stream; ms. */
  heartbeatMs?: number;
  /** The admin API's resource URL (`<base>/api`), the audience callers present. */
  resourceUrl: string;
}

const tailQuery = z.strictObject({ n: z.coerce.number().int().min(1).max(1000).default(20) });
const streamQuery = z.strictObject({ after: z.coerce.number().int().nonnegative().optional() });
const lastEventId = z.coerce.number().int().nonnegative();
/** Entries read per query while catching a follower up. */
const STREAM_PAGE = 500;
const tracesQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  since: z.coerce.number().int().nonnegative().optional(),
});
const traceParams = z.strictObject({ traceId: z.string().regex(/^[0-9a-fA-F]{32}$/, 'must be 32 hex digits') });

/** Every input of these routes is a query or path parameter. */
const parse = <S extends z.ZodType>(schema: S, value: unknown): z.output<S> => parseInput(schema, value, '(query)');

/**
 * The admin API over the audit log and the span store (admin only), and the
 * Prometheus scrape endpoint `/metrics` (unauthenticated, like any exporter;
 * it carries no principals, only counts).
 */
export async function auditRoutes(app: FastifyInstance, options: AuditRoutesOptions): Promise<void> {
  const { audit, spans, metrics, bus, clock } = options;
  const openStream = liveStreams(app);
  app.get('/metrics', { logLevel: 'warn' }, async (_request, reply) => {
    void reply.header('content-type', PROMETHEUS_CONTENT_TYPE);
    return metrics.render();
  });

  await app.register(async (admin) => {
    admin.addHook('preHandler', requireAdmin(options.services, options.resourceUrl));

    admin.get('/api/audit/entries', async (request) => {
      const query = parse(auditQuerySchema, request.query);
      return { entries: await audit.search(query) };
    });
    admin.get('/api/audit/tail', async (request) => {
      const { n } = parse(tailQuery, request.query);
      return { entries: await audit.tail(n) };
    });
    admin.get('/api/audit/head', async () => ({ entries: await audit.count() }));

    // Entries as they are committed, in chain order, each once: `after` (or
    // Last-Event-ID on a reconnect) says where to start; by default, at the
    // head. A bus notice only wakes the stream, which then reads what is new
    // from the log, so nothing is skipped however notices arrive.
    admin.get('/api/audit/stream', async (request, reply) => {
      const query = parse(streamQuery, request.query);
      const resumed = request.headers['last-event-id'];
      let sent =
        typeof resumed === 'string' && resumed !== ''
          ? parse(lastEventId, resumed)
          : (query.after ?? (await audit.count()));
      const stream = openStream(request, reply, {
        expiresAt: apiCaller(request).expiresAt,
        now: clock.now(),
        heartbeatMs: options.heartbeatMs,
      });
      let closed = false;
      let running = false;
      let pending = false;
      const sendNew = async () => {
        for (;;) {
          const page = await audit.search({ after: sent, limit: STREAM_PAGE });
          for (const entry of page) {
            if (closed) return;
            stream.send('entry', entry, String(entry.seq));
            sent = entry.seq;
          }
          if (page.length < STREAM_PAGE) return;
        }
      };
      const wake = () => {
        pending = true;
        if (running || closed) return;
        running = true;
        void (async () => {
          try {
            while (pending && !closed) {
              pending = false;
              await sendNew();
            }
          } catch (error) {
            request.log.warn({ err: error }, 'audit stream: reading new entries failed');
            stream.end();
          } finally {
            running = false;
          }
        })();
      };
      const unsubscribe = await bus.subscribe(AUDIT_APPENDED_TOPIC, wake);
      stream.onClose(() => {
        closed = true;
        unsubscribe();
      });
      stream.comment(`following after ${sent}`);
      wake();
    });
    admin.get('/api/audit/verify', async () => audit.verify());

    admin.get('/api/traces', async (request) => {
      const { limit, since } = parse(tracesQuery, request.query);
      return { traces: await spans.listTraces({ limit, ...(since === undefined ? {} : { since }) }) };
    });
    admin.get('/api/traces/:traceId', async (request) => {
      const { traceId } = parse(traceParams, request.params);
      const found = await spans.getTrace(traceId);
      if (found.length === 0) throw new NotFoundError(`trace ${traceId}`);
      return { traceId: traceId.toLowerCase(), spans: found };
    });
  });
}
