import { ParleyError } from '@parley/core';

/**
 * The audit part failed or refused (`ERR_AUDIT_*`): a bad entry, an unreadable
 * log, a closed writer.
 */
export class AuditError extends ParleyError {
  constructor(code: `ERR_AUDIT_${string}`, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(code, message, { status: options.status ?? 500, publicMessage: message, cause: options.cause });
  }
}
