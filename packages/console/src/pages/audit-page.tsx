import { useState } from 'react';
import type { ApiError } from '../api/api-error.ts';
import { api } from '../api/client.ts';
import type { AuditEntry, VerifyResult } from '../api/types.ts';
import { Link } from '../app/router.tsx';
import { useApi } from '../app/use-api.ts';
import { ApiErrorNotice, Loading } from '../components/api-error-notice.tsx';
import { Badge, Time } from '../components/format.tsx';

const FILTERS = ['principal', 'action', 'decision', 'kind', 'traceId'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;
const EMPTY: Filters = { principal: '', action: '', decision: '', kind: '', traceId: '' };

function ChainCheck() {
  const [result, setResult] = useState<VerifyResult>();
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const verify = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setResult(await api<VerifyResult>('/api/audit/verify'));
    } catch (e) {
      setError(e as ApiError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="card chain-check">
      <div>
        <h2 className="card-title">Chain integrity</h2>
        <p className="muted">Recomputes every entry's hash and link; any edit, deletion or insertion shows.</p>
      </div>
      <button type="button" className="button" disabled={busy} onClick={() => void verify()}>
        {busy ? 'Verifying…' : 'Verify chain'}
      </button>
      <div aria-live="polite">
        {result?.ok ? (
          <p className="valid">
            ✓ Chain intact: {result.entries} entries, head #{result.headSeq}
          </p>
        ) : null}
        {result && !result.ok ? (
          <p className="notice notice-error">
            ✗ Chain broken at entry #{result.brokenAt} ({result.reason}): {result.message}
          </p>
        ) : null}
        {error ? <ApiErrorNotice error={error} what="the audit log" /> : null}
      </div>
    </div>
  );
}

/** Audit: search the hash-chained log and check its integrity (administrators). */
export function AuditPage() {
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const entries = useApi(JSON.stringify(filters), (signal) =>
    api<{ entries: AuditEntry[] }>('/api/audit/entries', { query: { ...filters, limit: 100 }, signal }),
  );
  return (
    <section aria-labelledby="page-title">
      <div className="page-header">
        <h1 id="page-title">Audit</h1>
        <p className="muted">Every decision and outcome, in a log that cannot be altered without detection.</p>
      </div>
      <ChainCheck />
      <form
        className="card search"
        aria-label="Search the audit log"
        onSubmit={(e) => {
          e.preventDefault();
          setFilters(draft);
        }}
      >
        <div className="form-grid">
          <label>
            Principal
            <input
              value={draft.principal}
              onChange={(e) => setDraft({ ...draft, principal: e.target.value })}
              placeholder="Agent::facilities"
            />
          </label>
          <label>
            Action
            <input
              value={draft.action}
              onChange={(e) => setDraft({ ...draft, action: e.target.value })}
              placeholder="tools/call"
            />
          </label>
          <label>
            Decision
            <select value={draft.decision} onChange={(e) => setDraft({ ...draft, decision: e.target.value })}>
              <option value="">any</option>
              <option value="allow">allow</option>
              <option value="deny">deny</option>
              <option value="approval-required">approval-required</option>
            </select>
          </label>
          <label>
            Kind
            <input value={draft.kind} onChange={(e) => setDraft({ ...draft, kind: e.target.value })} />
          </label>
          <label>
            Trace id
            <input value={draft.traceId} onChange={(e) => setDraft({ ...draft, traceId: e.target.value })} />
          </label>
        </div>
        <div className="actions">
          <button type="submit" className="button button-primary">
            Search
          </button>
          <button
            type="button"
            className="button button-ghost"
            onClick={() => {
              setDraft(EMPTY);
              setFilters(EMPTY);
            }}
          >
            Clear
          </button>
        </div>
      </form>
      {entries.error ? <ApiErrorNotice error={entries.error} what="the audit log" /> : null}
      {!entries.data && !entries.error ? <Loading /> : null}
      {entries.data ? (
        <table className="table audit-table">
          <caption className="sr-only">Audit entries, newest first</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Time</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">Decision</th>
              <th scope="col">Outcome</th>
            </tr>
          </thead>
          <tbody>
            {entries.data.entries.map((e) => (
              <tr key={e.seq}>
                <td className="mono">{e.seq}</td>
                <td>
                  <Time ms={e.time} />
                </td>
                <td>
                  {e.principal ?? '—'}
                  {e.onBehalfOf ? <div className="small muted">for {e.onBehalfOf}</div> : null}
                </td>
                <td>
                  <code>{e.action}</code>
                  {e.resource ? <div className="small muted">{e.resource}</div> : null}
                </td>
                <td>
                  {e.decision ? (
                    <Badge tone={e.decision === 'allow' ? 'ok' : e.decision === 'deny' ? 'bad' : 'warn'}>
                      {e.decision}
                    </Badge>
                  ) : (
                    '—'
                  )}
                </td>
                <td>
                  {e.outcome}
                  {e.traceId ? (
                    <div className="small">
                      <Link href={`/console/activity/${e.traceId}`}>trace</Link>
                    </div>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
