/** One part of a request, as the offline planner splits it. */
export interface SubRequest {
  readonly text: string;
  /** Introduced by "then", "after that", "afterwards", ...: runs after the previous part. */
  readonly sequenced: boolean;
}

/** A request split into its parts, and the goal that introduced them (`Plan an offsite: ...`). */
export interface SplitRequest {
  readonly goal: string | undefined;
  readonly parts: readonly SubRequest[];
}

const LIST_ITEM = /^\s*(?:[-*•]|\d+[.)])\s+/;
const SENTENCE_END = /(?<=[.!?;])\s+/;
/** Separators between clauses; captured so a fragment can be joined back with its own separator. */
const CLAUSE_SEPARATOR =
  /(\s*,\s*(?:and\s+then|and|then|or|after\s+that,?|afterwards,?)\s+|\s*,\s*|\s+(?:and\s+then|and|then|after\s+that,?|afterwards,?)\s+)/i;
const LEADING_FILLER =
  /^(?:(?:please|also|and|then|finally|first(?:ly)?|lastly|next|after\s+that,?|afterwards,?|can\s+you|could\s+you|would\s+you)\s+)+/i;
/**
 * A clause starting with one of these (or with a number or a capitalized
 * name, or of a single word) continues the previous clause's object
 * ("a room and a projector", "Alice and Bob") rather than starting a new
 * request.
 */
const CONTINUATION_WORDS = new Set(
  `a an the some any all both each every this that these those my our your his her their its it them him me us
  of in on at by for with from to into about as than per plus including one two three four five six seven eight
  nine ten`.split(/\s+/),
);

/**
 * Splits a request into sub-requests: a leading `goal:` is kept as context,
 * list items and sentences are parts, and within a sentence commas and
 * "and" / "then" separate parts unless what follows continues the previous
 * clause (see CONTINUATION_WORDS).
 */
export function splitRequest(request: string): SplitRequest {
  const lines = request.split(/\r?\n/).filter((line) => line.trim() !== '');
  const items = lines.filter((line) => LIST_ITEM.test(line));
  if (items.length >= 2) {
    const goal = lines
      .filter((line) => !LIST_ITEM.test(line))
      .join(' ')
      .replace(/:\s*$/, '')
      .trim();
    return {
      goal: goal === '' ? undefined : goal,
      parts: items.map((item) => clean(item.replace(LIST_ITEM, ''))).filter((part) => part.text !== ''),
    };
  }
  const text = lines.join(' ').replace(/\s+/g, ' ').trim();
  const colon = /:\s+/.exec(text);
  const goal = colon ? text.slice(0, colon.index).trim() : undefined;
  const body = colon ? text.slice(colon.index + colon[0].length) : text;
  const parts = body
    .split(SENTENCE_END)
    .flatMap(splitClauses)
    .map(clean)
    .filter((part) => part.text !== '');
  return { goal: goal === '' ? undefined : goal, parts };
}

function splitClauses(sentence: string): string[] {
  const pieces = sentence.split(CLAUSE_SEPARATOR);
  const clauses: string[] = [pieces[0] ?? ''];
  for (let i = 1; i < pieces.length; i += 2) {
    const separator = pieces[i] ?? '';
    const clause = pieces[i + 1] ?? '';
    if (continuesPrevious(clause)) clauses[clauses.length - 1] += separator + clause;
    else clauses.push(separator.trim() === ',' ? clause : `${separator.trim().replace(/^,\s*/, '')} ${clause}`);
  }
  return clauses;
}

function continuesPrevious(clause: string): boolean {
  const words = clause.trim().split(/\s+/);
  const first = words[0] ?? '';
  return (
    words.length < 2 || CONTINUATION_WORDS.has(first.toLowerCase()) || /^\d/.test(first) || /^[A-Z][a-z]/.test(first)
  );
}

function clean(clause: string): SubRequest {
  const trimmed = clause.trim();
  const head = trimmed.split(/\s+/).slice(0, 3).join(' ');
  const sequenced = /^(?:and\s+)?(?:then|after\s+that|afterwards)\b/i.test(head);
  const text = trimmed
    .replace(LEADING_FILLER, '')
    .replace(/^(?:and|or)\s+/i, '')
    .replace(/[\s.!?;,]+$/, '')
    .trim();
  return { text, sequenced };
}
