import type { Span } from '../api/types.ts';
import { ActorChain, type ChainLink, chainOf } from './actor-chain.tsx';

interface Row {
  readonly span: Span;
  readonly depth: number;
}

/** Spans in tree order (parents before children, siblings by start), with their depth. */
export function treeOrder(spans: readonly Span[]): Row[] {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string | null, Span[]>();
  for (const span of spans) {
    const parent = span.parentSpanId && ids.has(span.parentSpanId) ? span.parentSpanId : null;
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  const rows: Row[] = [];
  const visit = (parent: string | null, depth: number) => {
    for (const span of [...(children.get(parent) ?? [])].sort((a, b) => a.startUs - b.startUs)) {
      rows.push({ span, depth });
      visit(span.spanId, depth + 1);
    }
  };
  visit(null, 0);
  return rows;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);

/**
 * The delegation chain a trace shows: from the hop with the longest actor
 * chain (the deepest delegation), user -> agents -> caller -> tool or agent.
 */
export function traceChain(spans: readonly Span[]): ChainLink[] {
  const hops = spans.filter((s) => str(s.attributes['parley.principal']));
  if (hops.length === 0) return [];
  const depth = (s: Span) =>
    Array.isArray(s.attributes['parley.actor_chain']) ? s.attributes['parley.actor_chain'].length : 0;
  const target = (s: Span) =>
    str(s.attributes['parley.tool'])
      ? `Tool::${s.attributes['parley.tool']}`
      : str(s.attributes['parley.skill'])
        ? `Skill::${s.attributes['parley.skill']}`
        : str(s.attributes['parley.resource']);
  // Among equally deep hops a tool call tells the story best, then a skill, then any named target.
  const weight = (s: Span) =>
    str(s.attributes['parley.tool']) ? 3 : str(s.attributes['parley.skill']) ? 2 : target(s) ? 1 : 0;
  const deepest = [...hops].sort((a, b) => depth(b) - depth(a) || weight(b) - weight(a))[0];
  if (!deepest) return [];
  const chain = deepest.attributes['parley.actor_chain'];
  return chainOf({
    onBehalfOf: str(deepest.attributes['parley.on_behalf_of']),
    actorChain: Array.isArray(chain) ? chain.map(String) : [],
    principal: str(deepest.attributes['parley.principal']),
    target: target(deepest),
  });
}

const KEY_ATTRIBUTES = ['parley.decision', 'parley.tool', 'parley.skill', 'parley.approval.id', 'parley.outcome'];

/** A trace as a waterfall: one row per span, its bar placed on the trace's timeline. */
export function Waterfall({ spans }: { spans: readonly Span[] }) {
  const rows = treeOrder(spans);
  const start = Math.min(...spans.map((s) => s.startUs));
  const end = Math.max(...spans.map((s) => s.endUs));
  const total = Math.max(1, end - start);
  const chain = traceChain(spans);
  return (
    <div className="waterfall-wrap">
      {chain.length > 0 ? <ActorChain links={chain} label="Delegation chain" /> : null}
      <table className="waterfall">
        <caption className="sr-only">Spans of the trace, in call order, with their timing</caption>
        <thead>
          <tr>
            <th scope="col">Span</th>
            <th scope="col">Service</th>
            <th scope="col" className="waterfall-timeline-head">
              Timeline ({(total / 1000).toFixed(1)} ms)
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ span, depth }) => {
            const left = ((span.startUs - start) / total) * 100;
            const width = Math.max(0.5, ((span.endUs - span.startUs) / total) * 100);
            const ms = (span.endUs - span.startUs) / 1000;
            const facts = KEY_ATTRIBUTES.filter((k) => span.attributes[k] !== undefined).map(
              (k) => `${k.replace('parley.', '')}=${String(span.attributes[k])}`,
            );
            return (
              <tr key={span.spanId} className={span.status.code === 'error' ? 'span-error' : undefined}>
                <th scope="row" style={{ paddingLeft: `${0.75 + depth * 1.1}rem` }} className="span-name">
                  <details>
                    <summary>
                      {span.name}
                      {facts.length > 0 ? <span className="span-facts"> {facts.join(' · ')}</span> : null}
                    </summary>
                    <pre className="json">{JSON.stringify(span.attributes, null, 2)}</pre>
                    {span.status.message ? <p className="notice notice-error">{span.status.message}</p> : null}
                  </details>
                </th>
                <td className="muted">{span.service}</td>
                <td className="timeline">
                  <span
                    className="bar"
                    style={{ marginLeft: `${left}%`, width: `${width}%` }}
                    title={`${ms.toFixed(2)} ms`}
                  />
                  <span className="bar-label">{ms.toFixed(1)} ms</span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
