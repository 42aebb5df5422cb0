import type { ReactNode } from 'react';
import type { ApiError } from '../api/api-error.ts';
import { api } from '../api/client.ts';
import type { Approval, ConsoleAgent, McpServer, PoliciesResponse, TraceSummary } from '../api/types.ts';
import { Link } from '../app/router.tsx';
import { useMe } from '../app/session-context.ts';
import { useApi } from '../app/use-api.ts';
import { ApiErrorNotice } from '../components/api-error-notice.tsx';
import { Badge, Time } from '../components/format.tsx';
import { TraceHopSummary } from '../components/trace-hop.tsx';

function Tile(props: { label: string; href: string; value: ReactNode; error: ApiError | undefined; hint?: string }) {
  return (
    <Link className="tile" href={props.href}>
      <span className="tile-label">{props.label}</span>
      <span className="tile-value">
        {props.error ? (
          <span className="tile-denied">{props.error.kind === 'forbidden' ? 'not permitted' : 'unavailable'}</span>
        ) : (
          (props.value ?? '…')
        )}
      </span>
      {props.hint ? <span className="tile-hint">{props.hint}</span> : null}
    </Link>
  );
}

/** Overview: health, counts of what the signed-in person may see, and recent activity. */
export function OverviewPage() {
  const me = useMe();
  const ready = useApi(
    'ready',
    async () => {
      const response = await fetch('/readyz');
      return (await response.json()) as { status: string; store: string };
    },
    10_000,
  );
  const approvals = useApi(
    'approvals',
    (signal) => api<{ approvals: Approval[] }>('/api/approvals', { query: { state: 'pending' }, signal }),
    2000,
  );
  const servers = useApi('servers', (signal) => api<{ servers: McpServer[] }>('/api/mcp/servers', { signal }));
  const agents = useApi('agents', (signal) => api<{ agents: ConsoleAgent[] }>('/api/console/agents', { signal }));
  const policies = useApi('policies', (signal) => api<PoliciesResponse>('/api/policies', { signal }));
  const traces = useApi(
    'traces',
    (signal) => api<{ traces: TraceSummary[] }>('/api/console/traces', { query: { limit: 8 }, signal }),
    5000,
  );
  const toolCount = servers.data?.servers.reduce((n, s) => n + s.tools, 0);
  return (
    <section aria-labelledby="page-title">
      <div className="page-header">
        <h1 id="page-title">Overview</h1>
        <p className="muted">
          {me ? `Signed in as ${me.principal.id}.` : ' '}{' '}
          {ready.data ? (
            <Badge tone={ready.data.status === 'ready' ? 'ok' : 'bad'}>
              mesh {ready.data.status} · {ready.data.store}
            </Badge>
          ) : ready.error ? (
            <Badge tone="bad">mesh unreachable</Badge>
          ) : null}
        </p>
      </div>
      <div className="tiles">
        <Tile
          label="Waiting for approval"
          href="/console/approvals"
          value={approvals.data?.approvals.length}
          error={approvals.error}
        />
        <Tile
          label="Agents"
          href="/console/agents"
          value={agents.data?.agents.length}
          error={agents.error}
          hint="in this mesh and registered remote ones"
        />
        <Tile
          label="Tool servers"
          href="/console/tools"
          value={servers.data?.servers.length}
          error={servers.error}
          {...(toolCount === undefined ? {} : { hint: `${toolCount} tools` })}
        />
        <Tile
          label="Policies in force"
          href="/console/policies"
          value={policies.data?.policies.length}
          error={policies.error}
          {...(policies.data && policies.data.problems.length > 0
            ? { hint: `${policies.data.problems.length} problems` }
            : {})}
        />
      </div>
      <h2 className="section-title">Recent activity</h2>
      {traces.error ? <ApiErrorNotice error={traces.error} what="activity" /> : null}
      {traces.data && traces.data.traces.length === 0 ? <div className="empty">No activity yet.</div> : null}
      {traces.data && traces.data.traces.length > 0 ? (
        <ul className="activity-list">
          {traces.data.traces.map((t) => (
            <li key={t.traceId}>
              <TraceHopSummary trace={t} />
              <span className="muted small">
                <Link href={`/console/activity/${t.traceId}`}>Open trace</Link> · <Time ms={t.startUs / 1000} /> ·{' '}
                {t.spans} spans · {t.durationMs.toFixed(0)} ms
              </span>
              {t.errors > 0 ? <Badge tone="bad">{t.errors} errors</Badge> : null}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
