import type { AuditEntry, VerifyResult } from '@parley/audit';

/** One entry as one line: time, seq, who (for whom, via whom), what, decision, outcome. */
export function formatEntry(entry: AuditEntry): string {
  const time = new Date(entry.time).toISOString();
  const who = [
    entry.principal ?? '(anonymous)',
    entry.onBehalfOf && entry.onBehalfOf !== entry.principal ? ` for ${entry.onBehalfOf}` : '',
    entry.actorChain.length > 0 ? ` via ${entry.actorChain.join(' <- ')}` : '',
  ].join('');
  const what = `${entry.action}${entry.resource ? ` ${entry.resource}` : ''}`;
  const decision = entry.decision
    ? ` ${entry.decision}${entry.policies.length ? ` [${entry.policies.join(',')}]` : ''}`
    : '';
  const approval = entry.approvalId ? ` approval=${entry.approvalId}` : '';
  const latency = entry.latencyMs === null ? '' : ` ${entry.latencyMs}ms`;
  const traceId = entry.traceId ? ` trace=${entry.traceId}` : '';
  return `${time} #${entry.seq} ${entry.kind} ${who} ${what}${decision}${approval} -> ${entry.outcome}${latency}${traceId}`;
}

/** What `parley audit verify` prints. */
export function formatVerify(result: VerifyResult): string {
  if (result.ok) {
    return `audit log intact: ${result.entries} entries, head #${result.headSeq} ${result.headHash}`;
  }
  return `audit log BROKEN at entry #${result.brokenAt} (${result.reason}): ${result.message}\n  ${result.entries} entries before it verify.`;
}
