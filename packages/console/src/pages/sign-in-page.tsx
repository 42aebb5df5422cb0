import { useState } from 'react';
import { beginSignIn } from '../auth/session.ts';

/** Signed out: one button to sign in through Parley's authorization server, back to this same page. */
export function SignInPage() {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const returnTo = `${window.location.pathname}${window.location.search}`;
  const approval = /^\/console\/approvals\/[^/]+$/.test(window.location.pathname);
  return (
    <main className="signin" id="main">
      <div className="signin-card">
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden="true">
            P
          </span>
          <span>Parley console</span>
        </div>
        <h1>Sign in</h1>
        <p className="muted">
          {approval
            ? 'An agent is waiting for your approval. Sign in to review the request.'
            : 'Agents, tools, policies, approvals, activity and audit for this mesh.'}
        </p>
        <button
          type="button"
          className="button button-primary button-wide"
          disabled={busy}
          onClick={() => {
            setBusy(true);
            beginSignIn(returnTo).catch((e: unknown) => {
              setBusy(false);
              setError(e instanceof Error ? e.message : String(e));
            });
          }}
        >
          Sign in with Parley
        </button>
        {error ? (
          <p className="notice notice-error" role="alert">
            {error}
          </p>
        ) : null}
      </div>
    </main>
  );
}
