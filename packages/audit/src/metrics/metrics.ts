import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { HopRecord } from '@parley/core';

/** The Prometheus exposition format's content type. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const LATENCY_BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 120_000];

export type DecisionOutcome = 'allow' | 'deny' | 'approval-required';
export type ApprovalMetric = 'requested' | 'approved' | 'denied' | 'expired';

/**
 * The mesh's metrics, served at `/metrics` in Prometheus text. Parts call the
 * `record…`/`observe…` methods; instruments and label sets are fixed here so
 * cardinality stays bounded (routes are templates, never raw paths).
 * @see https://prometheus.io/docs/instrumenting/exposition_formats/
 */
export class MeshMetrics {
  readonly #provider: MeterProvider;
  readonly #exporter: PrometheusExporter;
  readonly #serializer = new PrometheusSerializer(undefined, false, undefined, true, true);
  readonly #requests;
  readonly #requestDuration;
  readonly #decisions;
  readonly #approvals;
  readonly #upstream;
  readonly #errors;
  readonly #audit;

  constructor(options: { serviceName?: string } = {}) {
    this.#exporter = new PrometheusExporter({ preventServerStart: true });
    this.#provider = new MeterProvider({
      resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName ?? 'parley' }),
      readers: [this.#exporter],
    });
    const meter = this.#provider.getMeter('parley');
    this.#requests = meter.createCounter('parley_http_requests', { description: 'HTTP requests by route and status' });
    this.#requestDuration = meter.createHistogram('parley_http_request_duration_ms', {
      description: 'HTTP request duration in milliseconds',
      advice: { explicitBucketBoundaries: LATENCY_BUCKETS_MS },
    });
    this.#decisions = meter.createCounter('parley_decisions', { description: 'Policy decisions by outcome' });
    this.#approvals = meter.createCounter('parley_approvals', { description: 'Approvals by outcome' });
    this.#upstream = meter.createHistogram('parley_upstream_latency_ms', {
      description: 'Latency of calls to upstream MCP servers and A2A agents, in milliseconds',
      advice: { explicitBucketBoundaries: LATENCY_BUCKETS_MS },
    });
    this.#errors = meter.createCounter('parley_errors', { description: 'Errors by area and code' });
    this.#audit = meter.createCounter('parley_audit_entries', { description: 'Audit entries committed, by kind' });
  }

  /** One HTTP request answered (the server's hook calls this). */
  recordRequest(method: string, route: string, status: number, ms: number): void {
    const labels = { method, route, status: String(status) };
    this.#requests.add(1, labels);
    this.#requestDuration.record(ms, { method, route });
  }

  /** One policy decision. */
  recordDecision(outcome: DecisionOutcome, protocol = 'unknown'): void {
    this.#decisions.add(1, { outcome, protocol });
  }

  /** An approval requested or decided. */
  recordApproval(outcome: ApprovalMetric): void {
    this.#approvals.add(1, { outcome });
  }

  /** How long a call to an upstream (MCP server or A2A agent, by configured name) took. */
  observeUpstream(upstream: string, ms: number, outcome: 'ok' | 'error' = 'ok'): void {
    this.#upstream.record(ms, { upstream, outcome });
  }

  /** An error worth counting, by part and stable code (`ERR_…`). */
  recordError(area: string, code: string): void {
    this.#errors.add(1, { area, code });
  }

  /** Counts one committed audit entry. */
  recordAuditEntry(kind: string): void {
    this.#audit.add(1, { kind });
  }

  /** What a pipeline hop says about errors (the `record` step); its decision was counted when it was made. */
  recordHop(hop: HopRecord): void {
    if (hop.outcome === 'error') this.recordError(hop.action.protocol, hop.error ? 'ERR_HOP_FAILED' : 'ERR_UNKNOWN');
    if (hop.outcome === 'unauthenticated') this.recordError(hop.action.protocol, 'ERR_AUTH_UNAUTHENTICATED');
  }

  /** The current metrics in Prometheus text exposition format. */
  async render(): Promise<string> {
    const { resourceMetrics } = await this.#exporter.collect();
    return this.#serializer.serialize(resourceMetrics);
  }

  async shutdown(): Promise<void> {
    await this.#provider.shutdown();
  }
}
