import { api } from '../api/client.ts';
import type { TraceSummary } from '../api/types.ts';
import { Link } from '../app/router.tsx';
import { useApi } from '../app/use-api.ts';
import { ApiErrorNotice, Loading } from '../components/api-error-notice.tsx';
import { Badge, Time } from '../components/format.tsx';
import { TraceHopSummary } from '../components/trace-hop.tsx';

/** Activity: recent traces (all for administrators, your own otherwise), newest first. */
export function ActivityPage() {
  const traces = useApi(
    'traces',
    (signal) => api<{ traces: TraceSummary[] }>('/api/console/traces', { query: { limit: 50 }, signal }),
    5000,
  );
  return (
    <section aria-labelledby="page-title">
      <div className="page-header">
        <h1 id="page-title">Activity</h1>
        <p className="muted">Every hop of every request, traced end to end. Open a trace to see its waterfall.</p>
      </div>
      {traces.error ? <ApiErrorNotice error={traces.error} what="traces" /> : null}
      {!traces.data && !traces.error ? <Loading /> : null}
      {traces.data && traces.data.traces.length === 0 ? <div className="empty">No activity yet.</div> : null}
      {traces.data && traces.data.traces.length > 0 ? (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">What happened</th>
              <th scope="col">Started</th>
              <th scope="col">Duration</th>
              <th scope="col">Spans</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {traces.data.traces.map((t) => (
              <tr key={t.traceId}>
                <td>
                  <TraceHopSummary trace={t} />
                  <Link className="mono small" href={`/console/activity/${t.traceId}`}>
                    Trace {t.traceId}
                  </Link>
                </td>
                <td>
                  <Time ms={t.startUs / 1000} />
                </td>
                <td>{t.durationMs.toFixed(1)} ms</td>
                <td>{t.spans}</td>
                <td>{t.errors > 0 ? <Badge tone="bad">{t.errors} errors</Badge> : <Badge tone="ok">ok</Badge>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
