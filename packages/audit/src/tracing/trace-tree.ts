import type { StoredSpan } from './stored-span.ts';

/** A span with its children, in start order. */
export interface SpanNode {
  readonly span: StoredSpan;
  readonly children: SpanNode[];
}

/**
 * Arranges one trace's spans as a forest: spans whose parent is not in the
 * store (an upstream hop outside Parley, a span still running) become roots.
 */
export function buildTraceTree(spans: readonly StoredSpan[]): SpanNode[] {
  const sorted = [...spans].sort((a, b) => a.startUs - b.startUs);
  const nodes = new Map<string, SpanNode>(sorted.map((span) => [span.spanId, { span, children: [] }]));
  const roots: SpanNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.span.parentSpanId ? nodes.get(node.span.parentSpanId) : undefined;
    if (parent && parent !== node) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}
