import { ConfigError, isParleyError, renderIssues } from '@parley/core';

/** Exit codes: 1 runtime failure, 2 bad usage or invalid configuration. */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/**
 * Prints an error the way a person can act on it (never a stack trace for
 * expected errors) and returns the exit code to use.
 */
export function reportCliError(error: unknown, options: { json?: boolean } = {}): number {
  if (error instanceof ConfigError) {
    if (options.json) {
      process.stdout.write(
        `${JSON.stringify({ ok: false, code: error.code, message: error.message, issues: error.issues }, null, 2)}\n`,
      );
    } else {
      process.stderr.write(`error: ${error.message}\n${renderIssues(error.issues)}\n`);
    }
    return EXIT_USAGE;
  }
  if (isParleyError(error)) {
    if (options.json)
      process.stdout.write(`${JSON.stringify({ ok: false, code: error.code, message: error.publicMessage })}\n`);
    else process.stderr.write(`error: ${error.message} (${error.code})\n`);
    return EXIT_FAILURE;
  }
  process.stderr.write(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return EXIT_FAILURE;
}
