/**
 * Every error Parley raises on purpose carries a stable string `code`
 * (`ERR_<AREA>_<WHAT>`), so callers and tests branch on codes, never on messages.
 * Wire errors (OAuth, JSON-RPC, A2A) are rendered from these at the protocol
 * boundary; `publicMessage` is what a caller may see, `message` may hold detail
 * that belongs in the log only.
 */
export class ParleyError extends Error {
  readonly code: string;
  /** HTTP status to use when this error reaches an HTTP boundary unhandled. */
  readonly status: number;
  /** A message safe to show to the caller. */
  readonly publicMessage: string;

  constructor(
    code: string,
    message: string,
    options: { status?: number; publicMessage?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = options.status ?? 500;
    this.publicMessage = options.publicMessage ?? (this.status < 500 ? message : 'internal error');
  }
}

/** Input failed validation at an edge. */
export class ValidationError extends ParleyError {
  readonly issues: readonly Issue[];
  constructor(message: string, issues: readonly Issue[] = []) {
    super('ERR_VALIDATION', message, { status: 400 });
    this.issues = issues;
  }
}

/** One validation problem, addressed by its path (`mcp.servers[1].url`). */
export interface Issue {
  readonly path: string;
  readonly message: string;
}

/** A named thing does not exist. */
export class NotFoundError extends ParleyError {
  constructor(what: string) {
    super('ERR_NOT_FOUND', `${what} not found`, { status: 404 });
  }
}

/** The request conflicts with existing state (duplicate name, wrong state). */
export class ConflictError extends ParleyError {
  constructor(message: string) {
    super('ERR_CONFLICT', message, { status: 409 });
  }
}

/** One line per issue, as the CLI prints them. */
export function renderIssues(issues: readonly Issue[]): string {
  return issues.map((issue) => `  ${issue.path}: ${issue.message}`).join('\n');
}

/** Configuration could not be loaded or is invalid. */
export class ConfigError extends ParleyError {
  readonly issues: readonly Issue[];
  constructor(message: string, issues: readonly Issue[] = []) {
    super('ERR_CONFIG_INVALID', message, { status: 500, publicMessage: message });
    this.issues = issues;
  }
}

/** The store failed (connection, migration, constraint). */
export class StoreError extends ParleyError {
  constructor(code: `ERR_STORE_${string}`, message: string, cause?: unknown) {
    super(code, message, { status: 503, publicMessage: 'store unavailable', cause });
  }
}

/** An outbound fetch was refused or failed (see the guarded HTTP client). */
export class OutboundError extends ParleyError {
  constructor(code: `ERR_OUTBOUND_${string}`, message: string, cause?: unknown) {
    super(code, message, { status: 502, publicMessage: message, cause });
  }
}

export function isParleyError(value: unknown): value is ParleyError {
  return value instanceof ParleyError;
}
