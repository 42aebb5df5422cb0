import { ParleyError } from '@parley/core';

/**
 * The A2A errors and the JSON-RPC errors A2A uses, with their wire codes:
 * the JSON-RPC error code, the HTTP status of the HTTP+JSON binding and the
 * `google.rpc.ErrorInfo` reason. `UnauthenticatedError` and
 * `PermissionDeniedError` are Parley's (the spec leaves authentication
 * errors to the binding: 401/403 with `WWW-Authenticate`).
 * @see https://a2a-protocol.org/v1.0.0/specification/#54-error-code-mappings
 */
export const A2A_ERRORS = {
  ParseError: { code: -32700, http: 400, reason: 'PARSE_ERROR', status: 'INVALID_ARGUMENT' },
  InvalidRequestError: { code: -32600, http: 400, reason: 'INVALID_REQUEST', status: 'INVALID_ARGUMENT' },
  MethodNotFoundError: { code: -32601, http: 404, reason: 'METHOD_NOT_FOUND', status: 'NOT_FOUND' },
  InvalidParamsError: { code: -32602, http: 400, reason: 'INVALID_PARAMS', status: 'INVALID_ARGUMENT' },
  InternalError: { code: -32603, http: 500, reason: 'INTERNAL_ERROR', status: 'INTERNAL' },
  TaskNotFoundError: { code: -32001, http: 404, reason: 'TASK_NOT_FOUND', status: 'NOT_FOUND' },
  TaskNotCancelableError: { code: -32002, http: 409, reason: 'TASK_NOT_CANCELABLE', status: 'FAILED_PRECONDITION' },
  PushNotificationNotSupportedError: {
    code: -32003,
    http: 400,
    reason: 'PUSH_NOTIFICATION_NOT_SUPPORTED',
    status: 'FAILED_PRECONDITION',
  },
  UnsupportedOperationError: {
    code: -32004,
    http: 400,
    reason: 'UNSUPPORTED_OPERATION',
    status: 'FAILED_PRECONDITION',
  },
  ContentTypeNotSupportedError: {
    code: -32005,
    http: 415,
    reason: 'CONTENT_TYPE_NOT_SUPPORTED',
    status: 'INVALID_ARGUMENT',
  },
  InvalidAgentResponseError: { code: -32006, http: 502, reason: 'INVALID_AGENT_RESPONSE', status: 'INTERNAL' },
  ExtendedAgentCardNotConfiguredError: {
    code: -32007,
    http: 400,
    reason: 'EXTENDED_AGENT_CARD_NOT_CONFIGURED',
    status: 'FAILED_PRECONDITION',
  },
  ExtensionSupportRequiredError: {
    code: -32008,
    http: 400,
    reason: 'EXTENSION_SUPPORT_REQUIRED',
    status: 'FAILED_PRECONDITION',
  },
  VersionNotSupportedError: {
    code: -32009,
    http: 400,
    reason: 'VERSION_NOT_SUPPORTED',
    status: 'FAILED_PRECONDITION',
  },
  UnauthenticatedError: { code: -32040, http: 401, reason: 'UNAUTHENTICATED', status: 'UNAUTHENTICATED' },
  PermissionDeniedError: { code: -32043, http: 403, reason: 'PERMISSION_DENIED', status: 'PERMISSION_DENIED' },
} as const;

export type A2AErrorName = keyof typeof A2A_ERRORS;

const ERROR_INFO_TYPE = 'type.googleapis.com/google.rpc.ErrorInfo';
const ERROR_DOMAIN = 'a2a-protocol.org';

/** An error with an A2A wire form; its `message` is public. */
export class A2AError extends ParleyError {
  readonly a2aName: A2AErrorName;
  /** `WWW-Authenticate` value for 401/403 renderings. */
  readonly challenge: string | undefined;
  readonly metadata: Readonly<Record<string, string>> | undefined;

  constructor(
    name: A2AErrorName,
    message: string,
    options: { challenge?: string; metadata?: Record<string, string>; cause?: unknown } = {},
  ) {
    const spec = A2A_ERRORS[name];
    super(`ERR_A2A_${spec.reason}`, message, { status: spec.http, publicMessage: message, cause: options.cause });
    this.a2aName = name;
    this.challenge = options.challenge;
    this.metadata = options.metadata;
  }

  get jsonRpcCode(): number {
    return A2A_ERRORS[this.a2aName].code;
  }

  /** `google.rpc.ErrorInfo`, as both bindings carry it. */
  errorInfo(): Record<string, unknown> {
    return {
      '@type': ERROR_INFO_TYPE,
      reason: A2A_ERRORS[this.a2aName].reason,
      domain: ERROR_DOMAIN,
      ...(this.metadata ? { metadata: this.metadata } : {}),
    };
  }

  /** The JSON-RPC `error` member. */
  toJsonRpcError(): { code: number; message: string; data?: unknown } {
    return { code: this.jsonRpcCode, message: this.publicMessage, data: [this.errorInfo()] };
  }

  /** The HTTP+JSON binding's error body. @see https://a2a-protocol.org/v1.0.0/specification/#116-error-handling */
  toHttpBody(): { error: Record<string, unknown> } {
    const spec = A2A_ERRORS[this.a2aName];
    return {
      error: { code: spec.http, status: spec.status, message: this.publicMessage, details: [this.errorInfo()] },
    };
  }
}

/** Builds the named A2A error. */
export function a2aError(name: A2AErrorName, message: string): A2AError {
  return new A2AError(name, message);
}

export function taskNotFound(id: string): A2AError {
  return new A2AError('TaskNotFoundError', `task ${id} not found`, { metadata: { taskId: id } });
}

/** The A2A error for a JSON-RPC error code (remote agents' answers). */
export function a2aErrorFromCode(code: number, message: string): A2AError {
  for (const [name, spec] of Object.entries(A2A_ERRORS)) {
    if (spec.code === code) return new A2AError(name as A2AErrorName, message);
  }
  return new A2AError('InternalError', message);
}

/** The A2A error for an HTTP+JSON error body (remote agents' answers). */
export function a2aErrorFromHttp(status: number, body: unknown): A2AError {
  const error = (body as { error?: { message?: unknown; details?: Array<{ reason?: unknown }> } } | undefined)?.error;
  const reason = error?.details?.find((detail) => typeof detail.reason === 'string')?.reason;
  const message = typeof error?.message === 'string' ? error.message : `remote agent answered ${status}`;
  for (const [name, spec] of Object.entries(A2A_ERRORS)) {
    if (spec.reason === reason) return new A2AError(name as A2AErrorName, message);
  }
  if (status === 404) return new A2AError('TaskNotFoundError', message);
  return new A2AError(status >= 500 ? 'InvalidAgentResponseError' : 'InvalidParamsError', message);
}
