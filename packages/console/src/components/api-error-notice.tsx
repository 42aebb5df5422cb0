import type { ApiError } from '../api/api-error.ts';

/** Shows an API failure: a refusal by policy reads "Not permitted", not as a crash. */
export function ApiErrorNotice({ error, what }: { error: ApiError; what?: string }) {
  if (error.kind === 'forbidden') {
    return (
      <div className="notice notice-muted" role="status">
        <strong>Not permitted.</strong> {what ? `Policy does not let you see ${what}.` : 'Policy does not allow this.'}
        <span className="notice-detail">{error.message}</span>
      </div>
    );
  }
  return (
    <div className="notice notice-error" role="alert">
      <strong>{error.kind === 'unavailable' ? 'Unavailable.' : 'Something went wrong.'}</strong> {error.message}
      {error.code ? <code className="notice-detail">{error.code}</code> : null}
    </div>
  );
}

/** A loading placeholder that screen readers announce. */
export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      {label}
    </p>
  );
}
