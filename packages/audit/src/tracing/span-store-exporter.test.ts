import { ExportResultCode } from '@opentelemetry/core';
import { describe, expect, it } from 'vitest';
import type { SpanStore } from './span-store.ts';
import { SpanStoreExporter } from './span-store-exporter.ts';

describe('SpanStoreExporter', () => {
  it('reports a batch written without waiting for the periodic prune, and flushes once the prune is done', async () => {
    let finishPrune: () => void = () => {};
    const written: number[] = [];
    const store = {
      write: async (spans: readonly unknown[]) => {
        written.push(spans.length);
      },
      prune: () =>
        new Promise<number>((resolve) => {
          finishPrune = () => resolve(0);
        }),
    } as unknown as SpanStore;
    const exporter = new SpanStoreExporter(store);

    // The first export is also the first prune; the batch processor runs one export at a time, so its result must not wait.
    const result = await new Promise((resolve) => exporter.export([], resolve));
    expect(result).toEqual({ code: ExportResultCode.SUCCESS });
    expect(written).toEqual([0]);

    let flushed = false;
    const flushing = exporter.forceFlush().then(() => {
      flushed = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(flushed).toBe(false);
    finishPrune();
    await flushing;
    expect(flushed).toBe(true);
  });
});
