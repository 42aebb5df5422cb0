import { context, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter as OTLPJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  NodeTracerProvider,
  ParentBasedSampler,
  type SpanProcessor,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { Logger } from '@parley/core';
import type { SpanStore } from './span-store.ts';
import { SpanStoreExporter } from './span-store-exporter.ts';
import { TimeOrderedIdGenerator } from './time-ordered-ids.ts';

export interface TracingOptions {
  serviceName: string;
  /** The embedded span store every finished span is written to. */
  spans: SpanStore;
  /** OTLP/HTTP base URL (`…:4318`); spans go to `<endpoint>/v1/traces` as well. */
  otlpEndpoint?: string | undefined;
  /** OTLP/HTTP encoding: binary protobuf (the default, which every receiver must accept) or JSON. */
  otlpProtocol?: OtlpProtocol | undefined;
  /**
   * Share of new traces recorded (0 to 1), by trace id; a trace a caller started follows the caller's
   * sampled flag. Unset, the SDK's standard `OTEL_TRACES_SAMPLER` / `OTEL_TRACES_SAMPLER_ARG` apply
   * (default: every trace).
   */
  sampleRatio?: number | undefined;
  /** Delay before a batch of finished spans is written (default 1 s). */
  batchDelayMs?: number;
  logger?: Logger;
}

/** The OTLP/HTTP encodings, named as `OTEL_EXPORTER_OTLP_PROTOCOL` names them. */
export type OtlpProtocol = 'http/protobuf' | 'http/json';

/** The running tracing SDK. */
export interface Tracing {
  /** Where spans are exported over OTLP, if anywhere. */
  readonly otlpUrl: string | undefined;
  /** Writes every finished span out now (tests, shutdown). */
  flush(): Promise<void>;
  /** Flushes, shuts the SDK down and unregisters the global provider. */
  shutdown(): Promise<void>;
}

/**
 * Registers the OpenTelemetry SDK for this process: a tracer provider with the
 * W3C trace-context propagator, the embedded span store, and OTLP/HTTP export
 * when an endpoint is configured. Other parts only use `@opentelemetry/api`.
 * Sampling thins traces only: every hop still gets its audit entry.
 * @see https://opentelemetry.io/docs/specs/otel/trace/sdk/
 * @see https://opentelemetry.io/docs/specs/otel/trace/sdk/#parentbased
 * @see https://opentelemetry.io/docs/specs/otlp/#otlphttp
 */
export function startTracing(options: TracingOptions): Tracing {
  const delay = options.batchDelayMs ?? 1000;
  const storeExporter = new SpanStoreExporter(options.spans, options.logger);
  const processors: SpanProcessor[] = [
    new BatchSpanProcessor(storeExporter, {
      scheduledDelayMillis: delay,
      maxQueueSize: 8192,
      maxExportBatchSize: 512,
    }),
  ];
  const otlpUrl = options.otlpEndpoint ? `${options.otlpEndpoint.replace(/\/+$/, '')}/v1/traces` : undefined;
  if (otlpUrl) {
    // Receivers must accept binary protobuf; JSON is optional for them (some backends take only protobuf).
    const exporter =
      options.otlpProtocol === 'http/json'
        ? new OTLPJsonTraceExporter({ url: otlpUrl })
        : new OTLPProtobufTraceExporter({ url: otlpUrl });
    processors.push(new BatchSpanProcessor(exporter, { scheduledDelayMillis: delay }));
  }
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }),
    idGenerator: new TimeOrderedIdGenerator(),
    spanProcessors: processors,
    ...(options.sampleRatio === undefined
      ? {}
      : { sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(options.sampleRatio) }) }),
  });
  // A previous provider (tests, a restarted mesh) must not keep the globals.
  trace.disable();
  propagation.disable();
  provider.register({ propagator: new W3CTraceContextPropagator() });
  let stopped: Promise<void> | undefined;
  return {
    otlpUrl,
    async flush() {
      await provider.forceFlush();
      // A batch the processor's timer handed over just before may still be writing.
      await storeExporter.forceFlush();
    },
    shutdown() {
      stopped ??= (async () => {
        try {
          await provider.forceFlush();
        } catch (error) {
          options.logger?.warn({ err: error }, 'flushing spans on shutdown failed');
        }
        await provider.shutdown();
        trace.disable();
        propagation.disable();
        context.disable();
      })();
      return stopped;
    },
  };
}
