/** A line of a line diff. */
export interface DiffLine {
  readonly op: 'same' | 'removed' | 'added';
  readonly text: string;
}

/** A line diff of two texts (longest common subsequence; definitions are small). */
export function diffLines(before: string, after: string): DiffLine[] {
  const a = before.split('\n');
  const b = after.split('\n');
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      const row = lcs[i] as number[];
      row[j] = a[i] === b[j] ? (lcs[i + 1]?.[j + 1] ?? 0) + 1 : Math.max(lcs[i + 1]?.[j] ?? 0, row[j + 1] ?? 0);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push({ op: 'same', text: a[i] ?? '' });
      i++;
      j++;
    } else if ((lcs[i + 1]?.[j] ?? 0) >= (lcs[i]?.[j + 1] ?? 0)) {
      out.push({ op: 'removed', text: a[i++] ?? '' });
    } else {
      out.push({ op: 'added', text: b[j++] ?? '' });
    }
  }
  while (i < a.length) out.push({ op: 'removed', text: a[i++] ?? '' });
  while (j < b.length) out.push({ op: 'added', text: b[j++] ?? '' });
  return out;
}

const text = (value: unknown) => (typeof value === 'string' ? value : (JSON.stringify(value, null, 2) ?? 'undefined'));
const SIGN = { same: ' ', removed: '−', added: '+' } as const;

/** What changed in one field of a tool definition, pinned against changed. */
export function DefinitionDiff({ field, pinned, changed }: { field: string; pinned: unknown; changed: unknown }) {
  return (
    <figure className="diff">
      <figcaption>
        <code>{field}</code>
      </figcaption>
      <pre>
        {diffLines(text(pinned), text(changed)).map((line, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: lines of a static diff have no identity but their place.
          <span key={i} className={`diff-line diff-${line.op}`}>
            <span className="diff-sign" aria-hidden="true">
              {SIGN[line.op]}
            </span>
            {line.op === 'same' ? null : <span className="sr-only">{line.op}: </span>}
            {line.text}
            {'\n'}
          </span>
        ))}
      </pre>
    </figure>
  );
}
