import { buildTraceTree, type SpanNode, type StoredSpan, type TraceSummary } from '@parley/audit';

const SHOWN = [
  'parley.principal',
  'parley.on_behalf_of',
  'parley.actor_chain',
  'parley.tool',
  'parley.skill',
  'parley.decision',
  'parley.upstream',
  'http.route',
  'http.response.status_code',
];

/** A trace as an indented tree: name, duration, status and the attributes that say who did what. */
export function formatTraceTree(spans: readonly StoredSpan[]): string {
  const roots = buildTraceTree(spans);
  const start = Math.min(...spans.map((s) => s.startUs));
  const lines: string[] = [];
  const walk = (node: SpanNode, prefix: string, last: boolean, top: boolean) => {
    const { span } = node;
    const offset = ((span.startUs - start) / 1000).toFixed(1);
    const duration = ((span.endUs - span.startUs) / 1000).toFixed(1);
    const status =
      span.status.code === 'error' ? ` ERROR${span.status.message ? ` (${span.status.message})` : ''}` : '';
    const attributes = SHOWN.filter((key) => span.attributes[key] !== undefined)
      .map((key) => `${key.replace(/^parley\./, '')}=${formatValue(span.attributes[key])}`)
      .join(' ');
    const branch = top ? '' : last ? '└─ ' : '├─ ';
    lines.push(
      `${prefix}${branch}${span.name}  +${offset}ms ${duration}ms [${span.service}]${status}${attributes ? `  ${attributes}` : ''}`,
    );
    const childPrefix = top ? prefix : `${prefix}${last ? '   ' : '│  '}`;
    node.children.forEach((child, i) => {
      walk(child, childPrefix, i === node.children.length - 1, false);
    });
  };
  roots.forEach((root, i) => {
    walk(root, '', i === roots.length - 1, true);
  });
  return lines.join('\n');
}

function formatValue(value: unknown): string {
  return Array.isArray(value) ? value.join('<-') || '[]' : String(value);
}

/** One line per trace. */
export function formatTraceList(traces: readonly TraceSummary[]): string {
  if (traces.length === 0) return '(no traces)';
  return traces
    .map(
      (t) =>
        `${t.traceId}  ${new Date(t.startUs / 1000).toISOString()}  ${t.durationMs.toFixed(1)}ms  ${t.spans} spans${t.errors ? `, ${t.errors} errors` : ''}  ${t.root ?? '(no root)'}`,
    )
    .join('\n');
}
