import { AUDIT_APPENDED_TOPIC, AuditLog, MeshMetrics, SpanStore, SqliteWriter, startTracing } from '@parley/audit';
import { installRequestTracing } from '../../api/audit-request-tracing.ts';
import { auditRoutes } from '../../api/audit-routes.ts';
import type { MeshPart } from '../part.ts';

/**
 * Audit and telemetry: the hash-chained audit log, the OpenTelemetry SDK with
 * its embedded span store (and OTLP export when configured), Prometheus
 * metrics, request tracing for every route. Publishes `audit` (AuditLog),
 * `spans` (SpanStore), `tracing` (Tracing) and `metrics` (MeshMetrics).
 */
export const auditPart: MeshPart = {
  name: 'audit',
  async start(context) {
    const { config, store, clock, logger, app, services, bus } = context;
    const telemetry = config.telemetry;
    const metrics = new MeshMetrics({ serviceName: telemetry.serviceName });
    // One writer thread for a SQLite file: audit entries and spans both leave the server's event loop.
    const writer = SqliteWriter.forStore(store);
    const audit = new AuditLog({
      store,
      clock,
      writer,
      onCommit: (kinds) => {
        for (const kind of kinds) metrics.recordAuditEntry(kind);
      },
      // Followers (`parley audit tail --follow`) on every replica hear of new entries.
      onAppended: (seq) => void bus.publish(AUDIT_APPENDED_TOPIC, { seq }).catch(() => {}),
    });
    const spans = new SpanStore({
      store,
      clock,
      retentionMs: telemetry.spanRetention,
      maxSpans: telemetry.maxSpans,
      writer,
    });
    const tracing = startTracing({
      serviceName: telemetry.serviceName,
      spans,
      otlpEndpoint: telemetry.otlpEndpoint,
      otlpProtocol: telemetry.otlpProtocol,
      sampleRatio: telemetry.sampleRatio,
      logger,
    });
    installRequestTracing(app, metrics);
    void app.register(auditRoutes, {
      audit,
      spans,
      metrics,
      services,
      bus,
      clock,
      resourceUrl: `${context.baseUrl}/api`,
    });
    services.set('audit', audit);
    services.set('spans', spans);
    services.set('tracing', tracing);
    services.set('metrics', metrics);
    return {
      banner: [
        { label: 'Metrics', value: `${context.baseUrl}/metrics` },
        ...(tracing.otlpUrl ? [{ label: 'OTLP', value: tracing.otlpUrl }] : []),
      ],
      async stop() {
        await audit.close();
        await tracing.shutdown();
        await spans.close();
        await writer?.close();
        await metrics.shutdown();
      },
    };
  },
};
