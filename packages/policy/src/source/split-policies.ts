/** One policy statement of a `.cedar` text, with where it starts. */
export interface PolicyStatement {
  readonly text: string;
  /** UTF-16 offset of the statement's first character in the whole text. */
  readonly offset: number;
  /** UTF-16 offset of its first significant character (annotation or effect), for `file:line`. */
  readonly start: number;
}

/**
 * Splits a `.cedar` text into its policy statements. Cedar ends every policy
 * with `;` and uses `;` nowhere else outside strings and comments, so a small
 * scanner keeps each policy's own text and position (Cedar's
 * `policySetTextToParts` loses both).
 * @see https://docs.cedarpolicy.com/policies/syntax-grammar.html
 */
export function splitPolicies(text: string): PolicyStatement[] {
  const statements: PolicyStatement[] = [];
  let offset = 0;
  let start = -1;
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (ch === '"') {
      if (start < 0) start = i;
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      i++;
      continue;
    }
    if (ch === ';') {
      statements.push({ text: text.slice(offset, i + 1), offset, start: start < 0 ? i : start });
      offset = i + 1;
      start = -1;
    } else if (start < 0 && ch !== undefined && !/\s/.test(ch)) {
      start = i;
    }
    i++;
  }
  return statements;
}
