import { api } from '../api/client.ts';
import type { Approval } from '../api/types.ts';
import { Link } from '../app/router.tsx';
import { useApi } from '../app/use-api.ts';
import { ApiErrorNotice, Loading } from '../components/api-error-notice.tsx';
import { ApprovalCard } from '../components/approval-card.tsx';

/**
 * One approval, at the URL MCP URL elicitation and A2A auth-required
 * messages point to (`/console/approvals/<id>`). Refreshes while pending.
 */
export function ApprovalPage({ id }: { id: string }) {
  const approval = useApi(
    `approval:${id}`,
    (signal) => api<Approval>(`/api/approvals/${encodeURIComponent(id)}`, { signal }),
    2000,
  );
  return (
    <section aria-labelledby="page-title">
      <div className="page-header">
        <p className="breadcrumb">
          <Link href="/console/approvals">Approvals</Link> / {id}
        </p>
        <h1 id="page-title">Approval request</h1>
      </div>
      {approval.error?.kind === 'not-found' ? (
        <div className="notice notice-muted" role="status">
          <strong>No such approval.</strong> It does not exist, or it is not one you may see.
        </div>
      ) : approval.error ? (
        <ApiErrorNotice error={approval.error} what="this approval" />
      ) : null}
      {!approval.data && !approval.error ? <Loading /> : null}
      {approval.data ? <ApprovalCard approval={approval.data} onDecided={approval.reload} /> : null}
    </section>
  );
}
