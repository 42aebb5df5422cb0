import { useState } from 'react';
import type { ApiError } from '../api/api-error.ts';
import { api } from '../api/client.ts';
import type { Approval } from '../api/types.ts';
import { Link } from '../app/router.tsx';
import { ActorChain, chainOf } from './actor-chain.tsx';
import { ApiErrorNotice } from './api-error-notice.tsx';
import { Badge, Time } from './format.tsx';

const STATE_TONE = { pending: 'warn', approved: 'ok', denied: 'bad', expired: 'muted' } as const;

/** What is asked, in words: "tools/call rooms.book_room". */
export function approvalTitle(approval: Approval): string {
  return `${approval.action} ${approval.resource.id}`;
}

/** One approval: the action, who asks for whom, the exact arguments, and Approve / Deny while pending. */
export function ApprovalCard(props: { approval: Approval; onDecided?: (approval: Approval) => void; link?: boolean }) {
  const { approval } = props;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const titleId = `approval-${approval.id}-title`;
  const decide = async (verb: 'approve' | 'deny') => {
    setBusy(true);
    setError(undefined);
    try {
      const decided = await api<Approval>(`/api/approvals/${encodeURIComponent(approval.id)}/${verb}`, {
        method: 'POST',
      });
      props.onDecided?.(decided);
    } catch (e) {
      setError(e as ApiError);
    } finally {
      setBusy(false);
    }
  };
  const args = Object.entries(approval.arguments);
  return (
    <article className="card approval" aria-labelledby={titleId}>
      <header className="card-header">
        <h2 id={titleId} className="card-title">
          {props.link ? (
            <Link href={`/console/approvals/${encodeURIComponent(approval.id)}`}>{approvalTitle(approval)}</Link>
          ) : (
            approvalTitle(approval)
          )}
        </h2>
        <Badge tone={STATE_TONE[approval.state]}>{approval.state}</Badge>
      </header>
      <ActorChain links={chainOf({ ...approval, target: approval.resource })} label="Who is asking, for whom" />
      <h3 className="label">Arguments</h3>
      {args.length === 0 ? (
        <p className="muted">No arguments.</p>
      ) : (
        <dl className="arguments">
          {args.map(([name, value]) => (
            <div key={name} className="argument">
              <dt>{name}</dt>
              <dd>
                <code>{typeof value === 'string' ? value : JSON.stringify(value)}</code>
              </dd>
            </div>
          ))}
        </dl>
      )}
      <dl className="facts">
        <div>
          <dt>Requested</dt>
          <dd>
            <Time ms={approval.createdAt} />
          </dd>
        </div>
        <div>
          <dt>{approval.state === 'pending' ? 'Expires' : 'Decided'}</dt>
          <dd>
            <Time ms={approval.state === 'pending' ? approval.expiresAt : approval.decidedAt} />
          </dd>
        </div>
        {approval.decidedBy ? (
          <div>
            <dt>By</dt>
            <dd>{approval.decidedBy}</dd>
          </div>
        ) : null}
        <div>
          <dt>Policy</dt>
          <dd>{approval.policies.join(', ') || '—'}</dd>
        </div>
      </dl>
      {error ? <ApiErrorNotice error={error} what="this approval" /> : null}
      {approval.state === 'pending' ? (
        <fieldset className="actions">
          <legend className="sr-only">Decide {approvalTitle(approval)}</legend>
          <button
            type="button"
            className="button button-primary"
            disabled={busy}
            onClick={() => void decide('approve')}
          >
            Approve
          </button>
          <button type="button" className="button button-danger" disabled={busy} onClick={() => void decide('deny')}>
            Deny
          </button>
        </fieldset>
      ) : null}
    </article>
  );
}
