import { useState } from 'react';
import type { ApiError } from '../api/api-error.ts';
import { api } from '../api/client.ts';
import type { Explanation } from '../api/types.ts';
import { ApiErrorNotice } from './api-error-notice.tsx';
import { Badge } from './format.tsx';

const DECISION = {
  allow: { tone: 'ok', text: 'Allowed' },
  deny: { tone: 'bad', text: 'Denied' },
  'approval-required': { tone: 'warn', text: 'Allowed once a person approves' },
} as const;

/** "Would this be allowed?": asks the policy engine to decide and explain a hypothetical request. */
export function PolicyTester() {
  const [principal, setPrincipal] = useState('Agent::"facilities"');
  const [action, setAction] = useState('tools/call');
  const [resource, setResource] = useState('Tool::"rooms.book_room"');
  const [onBehalfOf, setOnBehalfOf] = useState('User::"alice"');
  const [roles, setRoles] = useState('');
  const [approved, setApproved] = useState(false);
  const [result, setResult] = useState<Explanation>();
  const [error, setError] = useState<ApiError>();
  const run = async () => {
    setError(undefined);
    try {
      setResult(
        await api<Explanation>('/api/policy/explain', {
          method: 'POST',
          body: {
            principal,
            action,
            resource,
            roles: roles.split(/[\s,]+/).filter(Boolean),
            context: { ...(onBehalfOf ? { onBehalfOf } : {}), approval: approved ? 'approved' : 'none' },
          },
        }),
      );
    } catch (e) {
      setResult(undefined);
      setError(e as ApiError);
    }
  };
  return (
    <form
      className="card tester"
      aria-label="Would this be allowed?"
      onSubmit={(event) => {
        event.preventDefault();
        void run();
      }}
    >
      <div className="form-grid">
        <label>
          Principal
          <input value={principal} onChange={(e) => setPrincipal(e.target.value)} />
        </label>
        <label>
          Roles
          <input value={roles} onChange={(e) => setRoles(e.target.value)} placeholder="admin" />
        </label>
        <label>
          Action
          <input value={action} onChange={(e) => setAction(e.target.value)} />
        </label>
        <label>
          Resource
          <input value={resource} onChange={(e) => setResource(e.target.value)} />
        </label>
        <label>
          On behalf of
          <input value={onBehalfOf} onChange={(e) => setOnBehalfOf(e.target.value)} placeholder='User::"alice"' />
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={approved} onChange={(e) => setApproved(e.target.checked)} />
          already approved by a person
        </label>
      </div>
      <div className="actions">
        <button type="submit" className="button button-primary">
          Explain decision
        </button>
      </div>
      {error ? <ApiErrorNotice error={error} what="the policy explainer" /> : null}
      {error?.issues.length ? (
        <ul className="problems">
          {error.issues.map((i) => (
            <li key={`${i.path}:${i.message}`}>
              <span className="problem-at">{i.path}</span> {i.message}
            </li>
          ))}
        </ul>
      ) : null}
      {result ? (
        <output className="explanation" aria-live="polite">
          <Badge tone={DECISION[result.decision].tone}>{DECISION[result.decision].text}</Badge>
          <p>{result.reason}</p>
          {result.determining.length > 0 ? (
            <ul className="determining" aria-label="Determining policies">
              {result.determining.map((p) => (
                <li key={p.id}>
                  <code>{p.id}</code> <span className="muted">{p.effect}</span>{' '}
                  <span className="muted small">
                    {p.source}:{p.line}
                  </span>
                </li>
              ))}
            </ul>
          ) : null}
        </output>
      ) : null}
    </form>
  );
}
