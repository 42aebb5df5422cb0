import { useEffect, useRef, useState } from 'react';
import { navigate } from '../app/router.tsx';
import { completeSignIn } from '../auth/session.ts';

/** The OAuth redirect URI: redeems the code, then returns to the page sign-in started from. */
export function CallbackPage({ onSignedIn }: { onSignedIn: () => void }) {
  const [error, setError] = useState<string>();
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    completeSignIn(new URL(window.location.href)).then(
      (returnTo) => {
        onSignedIn();
        navigate(returnTo, { replace: true });
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  }, [onSignedIn]);
  return (
    <main className="signin" id="main">
      <div className="signin-card">
        {error ? (
          <>
            <h1>Sign-in failed</h1>
            <p className="notice notice-error" role="alert">
              {error}
            </p>
            <a className="button button-primary" href="/console">
              Start again
            </a>
          </>
        ) : (
          <p role="status">Signing you in…</p>
        )}
      </div>
    </main>
  );
}
