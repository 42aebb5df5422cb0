import { ROOT_CONTEXT } from '@opentelemetry/api';
import { SamplingDecision, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-node';
import { describe, expect, it } from 'vitest';
import { TimeOrderedIdGenerator } from './time-ordered-ids.ts';

const ids = new TimeOrderedIdGenerator();

describe('TimeOrderedIdGenerator', () => {
  it('makes W3C trace ids that begin with the milliseconds they were made in', () => {
    const before = Date.now();
    const id = ids.generateTraceId();
    const after = Date.now();
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    const millis = Number.parseInt(id.slice(0, 12), 16);
    expect(millis).toBeGreaterThanOrEqual(before);
    expect(millis).toBeLessThanOrEqual(after);
  });

  it('makes unique trace and span ids, none of them invalid (all zeros)', () => {
    const traces = new Set(Array.from({ length: 20_000 }, () => ids.generateTraceId()));
    const spans = new Set(Array.from({ length: 20_000 }, () => ids.generateSpanId()));
    expect(traces.size).toBe(20_000);
    expect(spans.size).toBe(20_000);
    for (const span of spans) expect(span).toMatch(/^(?!0{16})[0-9a-f]{16}$/);
  });

  it('leaves ratio sampling unbiased: a 25% sampler keeps about a quarter of the traces', () => {
    const sampler = new TraceIdRatioBasedSampler(0.25);
    const n = 20_000;
    let kept = 0;
    for (let i = 0; i < n; i++) {
      const result = sampler.shouldSample(ROOT_CONTEXT, ids.generateTraceId());
      if (result.decision === SamplingDecision.RECORD_AND_SAMPLED) kept++;
    }
    // The standard deviation is about 61 traces (0.3%); 2% is more than six of them.
    expect(kept / n).toBeGreaterThan(0.23);
    expect(kept / n).toBeLessThan(0.27);
  });
});
