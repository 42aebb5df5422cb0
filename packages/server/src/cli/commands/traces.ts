import type { StoredSpan, TraceSummary } from '@parley/audit';
import type { Command } from 'commander';
import { ApiClient, type ApiFlags, withApiOptions } from '../api-client.ts';
import { printData } from '../output.ts';

type Run = (action: () => Promise<number | undefined>, flags?: { json?: boolean }) => Promise<void>;

/** `parley traces list|show`, from the embedded span store. */
export function registerTracesCommands(program: Command, run: Run): void {
  const traces = program.command('traces').description('traces from the embedded span store');

  withApiOptions(
    traces.command('list').description('the most recent traces').option('--limit <n>', 'how many', '20'),
  ).action((flags: ApiFlags & { limit: string }) =>
    run(async () => {
      const limit = encodeURIComponent(flags.limit);
      const data = await new ApiClient(flags).get<{ traces: TraceSummary[] }>(`/api/traces?limit=${limit}`);
      const { formatTraceList } = await import('./traces-format.ts');
      printData(data.traces, flags, formatTraceList);
      return 0;
    }, flags),
  );

  withApiOptions(
    traces.command('show').description('one trace as a tree of spans').argument('<traceId>', '32 hex digits'),
  ).action((traceId: string, flags: ApiFlags) =>
    run(async () => {
      const data = await new ApiClient(flags).get<{ traceId: string; spans: StoredSpan[] }>(
        `/api/traces/${encodeURIComponent(traceId)}`,
      );
      const { formatTraceTree } = await import('./traces-format.ts');
      printData(
        data,
        flags,
        (trace) => `trace ${trace.traceId} (${trace.spans.length} spans)\n${formatTraceTree(trace.spans)}`,
      );
      return 0;
    }, flags),
  );
}
