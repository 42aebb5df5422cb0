import type { Explanation, PolicyProblem } from '@parley/policy';
import { renderProblem } from '@parley/policy';

/** Problems one per line, `file:line:column: message`. */
export function formatProblems(problems: readonly PolicyProblem[]): string {
  return problems.map(renderProblem).join('\n');
}

/** A decision for people: the verdict, why, and which policies decided (with where they are written). */
export function formatExplanation(explanation: Explanation): string {
  const verdict = explanation.allowed ? 'ALLOW' : explanation.approvalRequired ? 'APPROVAL REQUIRED' : 'DENY';
  const lines = [`${verdict}: ${explanation.reason}`];
  for (const policy of explanation.determining) {
    const notes = Object.entries(policy.annotations)
      .filter(([key]) => key !== 'id')
      .map(([key, value]) => `@${key}("${value}")`)
      .join(' ');
    lines.push(`  ${policy.effect} ${policy.id}  ${policy.source}:${policy.line}${notes ? `  ${notes}` : ''}`);
  }
  for (const error of explanation.errors) lines.push(`  error in ${error.policyId}: ${error.message}`);
  return lines.join('\n');
}
