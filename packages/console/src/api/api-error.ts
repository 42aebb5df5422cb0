/** What went wrong with an API call, as the console shows it. */
export type ApiErrorKind =
  /** No valid session: sign in (again). */
  | 'unauthenticated'
  /** Policy refused: the page says "not permitted" instead of failing. */
  | 'forbidden'
  | 'not-found'
  /** The request was invalid; `issues` or `problems` say where. */
  | 'invalid'
  | 'conflict'
  /** The server or the network is not answering. */
  | 'unavailable'
  | 'failed';

/** One located problem: a request field, or a line of a policy. */
export interface ApiIssue {
  readonly path?: string;
  readonly source?: string;
  readonly line?: number;
  readonly column?: number;
  readonly message: string;
}

/** An API error with the server's stable code and public message. */
export class ApiError extends Error {
  readonly kind: ApiErrorKind;
  readonly status: number;
  readonly code: string;
  readonly issues: readonly ApiIssue[];

  constructor(kind: ApiErrorKind, status: number, code: string, message: string, issues: readonly ApiIssue[] = []) {
    super(message);
    this.name = 'ApiError';
    this.kind = kind;
    this.status = status;
    this.code = code;
    this.issues = issues;
  }
}

function kindOf(status: number): ApiErrorKind {
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 409) return 'conflict';
  if (status === 400 || status === 422) return 'invalid';
  if (status === 502 || status === 503 || status === 504) return 'unavailable';
  return 'failed';
}

function asIssues(value: unknown): ApiIssue[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((i): i is Record<string, unknown> => typeof i === 'object' && i !== null && typeof i.message === 'string')
    .map((i) => ({
      message: String(i.message),
      ...(typeof i.path === 'string' ? { path: i.path } : {}),
      ...(typeof i.source === 'string' ? { source: i.source } : {}),
      ...(typeof i.line === 'number' ? { line: i.line } : {}),
      ...(typeof i.column === 'number' ? { column: i.column } : {}),
    }));
}

/**
 * Maps a failed response to an ApiError: Parley's `{error: {code, message,
 * issues | problems}}`, an OAuth `{error, error_description}`, or anything else.
 */
export function toApiError(status: number, body: unknown): ApiError {
  const kind = kindOf(status);
  const fallback = `the server answered ${status}`;
  if (typeof body !== 'object' || body === null) return new ApiError(kind, status, `HTTP_${status}`, fallback);
  const error = (body as { error?: unknown }).error;
  if (typeof error === 'object' && error !== null) {
    const e = error as Record<string, unknown>;
    return new ApiError(
      kind,
      status,
      typeof e.code === 'string' ? e.code : `HTTP_${status}`,
      typeof e.message === 'string' ? e.message : fallback,
      [...asIssues(e.issues), ...asIssues(e.problems)],
    );
  }
  if (typeof error === 'string') {
    const description = (body as { error_description?: unknown }).error_description;
    return new ApiError(kind, status, error, typeof description === 'string' ? description : error);
  }
  return new ApiError(kind, status, `HTTP_${status}`, fallback);
}

/** A network failure (no response at all). */
export function networkError(cause: unknown): ApiError {
  const message = cause instanceof Error ? cause.message : String(cause);
  return new ApiError('unavailable', 0, 'ERR_NETWORK', `the server could not be reached (${message})`);
}
