import { api } from '../api/client.ts';
import type { Span } from '../api/types.ts';
import { Link } from '../app/router.tsx';
import { useApi } from '../app/use-api.ts';
import { ApiErrorNotice, Loading } from '../components/api-error-notice.tsx';
import { Waterfall } from '../components/waterfall.tsx';

/** Spans are stored as they end, so a trace still running fills in while it is open. */
const REFRESH_MS = 3000;

/** One trace as a waterfall, with its delegation chain. */
export function TracePage({ traceId }: { traceId: string }) {
  const trace = useApi(
    `trace:${traceId}`,
    (signal) => api<{ traceId: string; spans: Span[] }>(`/api/console/traces/${traceId}`, { signal }),
    REFRESH_MS,
  );
  const root = trace.data?.spans.find((s) => s.parentSpanId === null) ?? trace.data?.spans[0];
  return (
    <section aria-labelledby="page-title">
      <div className="page-header">
        <p className="breadcrumb">
          <Link href="/console/activity">Activity</Link> / <span className="mono">{traceId}</span>
        </p>
        <h1 id="page-title">{root ? root.name : 'Trace'}</h1>
      </div>
      {trace.error ? <ApiErrorNotice error={trace.error} what="this trace" /> : null}
      {!trace.data && !trace.error ? <Loading /> : null}
      {trace.data ? <Waterfall spans={trace.data.spans} /> : null}
    </section>
  );
}
