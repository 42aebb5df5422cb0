/** One problem found in a policy source, addressed the way an editor jumps to it. */
export interface PolicyProblem {
  readonly code: 'parse' | 'validation' | 'duplicate-id' | 'unreadable' | 'schema';
  /** The source: a file path, or `store:<name>` for a stored policy document. */
  readonly source: string;
  /** 1-based line and column, when known. */
  readonly line?: number;
  readonly column?: number;
  readonly policyId?: string;
  readonly message: string;
}

/** `file:line:column: message`, the form compilers and editors understand. */
export function renderProblem(problem: PolicyProblem): string {
  const at = [problem.source, problem.line, problem.column].filter((part) => part !== undefined).join(':');
  return `${at}: ${problem.message}`;
}

/** 1-based line and column of a UTF-16 offset in `text`. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}
