import { api } from '../api/client.ts';
import type { PoliciesResponse } from '../api/types.ts';
import { useApi } from '../app/use-api.ts';
import { ApiErrorNotice, Loading } from '../components/api-error-notice.tsx';
import { Badge } from '../components/format.tsx';
import { PolicyEditor } from '../components/policy-editor.tsx';
import { PolicyTester } from '../components/policy-tester.tsx';

/** Policies: the Cedar policies in force, an editor for stored documents, and the decision tester. */
export function PoliciesPage() {
  const policies = useApi('policies', (signal) => api<PoliciesResponse>('/api/policies', { signal }));
  return (
    <section aria-labelledby="page-title">
      <div className="page-header">
        <h1 id="page-title">Policies</h1>
        <p className="muted">
          Cedar decides every tool call and agent message. Changes are validated, then in force everywhere.
        </p>
      </div>
      {policies.error ? <ApiErrorNotice error={policies.error} what="policies" /> : null}
      {!policies.data && !policies.error ? <Loading /> : null}
      {policies.data ? (
        <>
          {policies.data.problems.length > 0 ? (
            <div className="notice notice-warn" role="status">
              {policies.data.problems.length} problem(s) in the policy sources; the last valid set stays in force.
            </div>
          ) : null}
          <h2 className="section-title">Would this be allowed?</h2>
          <PolicyTester />
          <h2 className="section-title">Edit a policy document</h2>
          <PolicyEditor documents={policies.data.documents} onSaved={policies.reload} />
          <h2 className="section-title">In force ({policies.data.policies.length})</h2>
          <ul className="policy-list">
            {policies.data.policies.map((p) => (
              <li key={p.id} className="card">
                <details>
                  <summary>
                    <code>{p.id}</code> <Badge tone={p.effect === 'permit' ? 'ok' : 'bad'}>{p.effect}</Badge>
                    {p.annotations.approval ? <Badge tone="warn">approval {p.annotations.approval}</Badge> : null}
                    <span className="muted small">
                      {' '}
                      {p.source}:{p.line}
                    </span>
                  </summary>
                  <pre className="code">{p.text}</pre>
                </details>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
