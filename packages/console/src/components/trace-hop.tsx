import type { TraceSummary } from '../api/types.ts';
import { ActorChain, chainOf } from './actor-chain.tsx';
import { Badge } from './format.tsx';

const DECISION_TONE = { allow: 'ok', deny: 'bad', 'approval-required': 'warn' } as const;

/** A trace in one line: its action on its resource, the delegation chain, and the decision. */
export function TraceHopSummary({ trace }: { trace: TraceSummary }) {
  const hop = trace.hop;
  if (!hop) return <span>{trace.root ?? trace.traceId}</span>;
  const tone = DECISION_TONE[hop.decision as keyof typeof DECISION_TONE] ?? 'muted';
  return (
    <div className="trace-hop">
      <div>
        <strong>{hop.action}</strong> <code>{hop.resource?.replace(/^[A-Za-z]+::/, '') ?? ''}</code>{' '}
        {hop.decision ? <Badge tone={tone}>{hop.decision}</Badge> : null}
        {hop.approvalId ? <span className="muted small"> · approval {hop.approvalId}</span> : null}
      </div>
      <ActorChain links={chainOf({ ...hop, target: null })} label="Delegation chain" />
    </div>
  );
}
