import { api } from '../api/client.ts';
import type { Approval } from '../api/types.ts';
import { Link } from '../app/router.tsx';
import { useApi } from '../app/use-api.ts';
import { useLiveEvents } from '../app/use-live-events.ts';
import { ApiErrorNotice, Loading } from '../components/api-error-notice.tsx';
import { ApprovalCard, approvalTitle } from '../components/approval-card.tsx';
import { Badge, Time } from '../components/format.tsx';

/** Only while the event stream is down is the list polled. */
const POLL_MS = 2000;

/**
 * Approvals: the live list of pending requests (Approve / Deny) and the
 * recently decided ones, updated as approvals are requested and decided
 * (`/api/console/events`).
 */
export function ApprovalsPage() {
  const { live } = useLiveEvents((event) => {
    // `ready` (re)opens the stream: load once, so nothing sent while it was down is missed.
    if (event.event === 'ready' || event.event.startsWith('approval.')) {
      pending.reload();
      recent.reload();
    }
  });
  const pending = useApi(
    'pending',
    (signal) => api<{ approvals: Approval[] }>('/api/approvals', { query: { state: 'pending' }, signal }),
    live ? undefined : POLL_MS,
  );
  const recent = useApi(
    'recent',
    (signal) => api<{ approvals: Approval[] }>('/api/approvals', { query: { limit: 30 }, signal }),
    live ? undefined : POLL_MS * 5,
  );
  const waiting = pending.data?.approvals ?? [];
  const decided = (recent.data?.approvals ?? []).filter((a) => a.state !== 'pending');
  return (
    <section aria-labelledby="page-title">
      <div className="page-header">
        <h1 id="page-title">Approvals</h1>
        <p className="muted">
          Sensitive actions wait here until a person decides. The list updates on its own{' '}
          <span className={live ? 'live-dot live-on' : 'live-dot'} data-live={live ? 'stream' : 'polling'}>
            {live ? '(live)' : '(checking every 2 s)'}
          </span>
          .
        </p>
      </div>
      <p className="sr-only" role="status" aria-live="polite">
        {pending.data ? `${waiting.length} approval${waiting.length === 1 ? '' : 's'} waiting` : ''}
      </p>
      {pending.error ? <ApiErrorNotice error={pending.error} what="approvals" /> : null}
      {!pending.data && !pending.error ? <Loading /> : null}
      {pending.data && waiting.length === 0 ? <div className="empty">Nothing is waiting for a decision.</div> : null}
      <div className="approval-list">
        {waiting.map((approval) => (
          <ApprovalCard
            key={approval.id}
            approval={approval}
            link
            onDecided={() => {
              pending.reload();
              recent.reload();
            }}
          />
        ))}
      </div>
      {decided.length > 0 ? (
        <>
          <h2 className="section-title">Recently decided</h2>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Action</th>
                <th scope="col">For</th>
                <th scope="col">State</th>
                <th scope="col">Decided</th>
                <th scope="col">By</th>
              </tr>
            </thead>
            <tbody>
              {decided.map((a) => (
                <tr key={a.id}>
                  <td>
                    <Link href={`/console/approvals/${encodeURIComponent(a.id)}`}>{approvalTitle(a)}</Link>
                  </td>
                  <td>{a.onBehalfOf?.id ?? a.principal.id}</td>
                  <td>
                    <Badge tone={a.state === 'approved' ? 'ok' : a.state === 'denied' ? 'bad' : 'muted'}>
                      {a.state}
                    </Badge>
                  </td>
                  <td>
                    <Time ms={a.decidedAt ?? a.expiresAt} />
                  </td>
                  <td>{a.decidedBy ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </section>
  );
}
