import {
  type AuditLog,
  auditQuerySchema,
  type MeshMetrics,
  PROMETHEUS_CONTENT_TYPE,
  type SpanStore,
} from '@parley/audit';
import { NotFoundError, ValidationError } from '@parley/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireAdmin } from './audit-admin.ts';

export interface AuditRoutesOptions {
  audit: AuditLog;
  spans: SpanStore;
  metrics: MeshMetrics;
  services: ReadonlyMap<string, unknown>;
  /** The admin API's resource URL (`<base>/api`), the audience callers present. */
  resourceUrl: string;
}

const tailQuery = z.strictObject({ n: z.coerce.number().int().min(1).max(1000).default(20) });
const tracesQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  since: z.coerce.number().int().nonnegative().optional(),
});
const traceParams = z.strictObject({ traceId: z.string().regex(/^[0-9a-fA-F]{32}$/, 'must be 32 hex digits') });

function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: i.path.join('.') || '(query)', message: i.message }));
  throw new ValidationError(`invalid request: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
}

/**
 * The admin API over the audit log and the span store (admin only), and the
 * Prometheus scrape endpoint `/metrics` (unauthenticated, like any exporter;
 * it carries no principals, only counts).
 */
export async function auditRoutes(app: FastifyInstance, options: AuditRoutesOptions): Promise<void> {
  const { audit, spans, metrics } = options;
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
