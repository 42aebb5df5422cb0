import type { SubRequest } from './split-request.ts';
import { stem, words } from './text.ts';

/**
 * Verbs whose object is news about the rest of the request: a part led by one
 * ("email the announcement", "notify the team", "summarize ...") reports on
 * what the earlier parts produce.
 */
const REPORTING_VERBS = new Set(
  ['mail', 'send', 'notify', 'announce', 'tell', 'inform', 'share', 'post', 'summarize', 'summarise', 'report']
    .concat(['confirm', 'invite', 'message', 'text', 'publish', 'broadcast', 'write', 'draft', 'let'])
    .map(stem),
);

/** Words that refer back to the previous part's result. */
const BACK_REFERENCE =
  /\b(?:it|them|those|the\s+results?|the\s+outcome|the\s+above|that\s+(?:day|date|time|slot|room|one))\b/i;

/** Why a part depends on another, for the plan's readers. */
export type DependencyRule = 'sequence' | 'back-reference' | 'reports-on-earlier';

/**
 * The dependency rules of the offline planner, applied to each part in order
 * (indices refer to `parts`):
 * 1. sequence: a part introduced by "then" / "after that" / "afterwards"
 *    depends on the part just before it;
 * 2. back-reference: a part that refers back ("it", "them", "the result",
 *    "that date", ...) depends on the part just before it;
 * 3. reports-on-earlier: a part led by a reporting verb (email, send,
 *    notify, announce, share, summarize, ...) depends on every earlier part
 *    that is not itself a report.
 * Nothing else creates a dependency, so independent parts run in parallel.
 */
export function inferDependencies(parts: readonly SubRequest[]): { dependsOn: number[]; rule?: DependencyRule }[] {
  const reports = parts.map(isReport);
  return parts.map((part, i) => {
    if (i === 0) return { dependsOn: [] };
    if (reports[i]) {
      const earlier = parts.map((_, j) => j).filter((j) => j < i && !reports[j]);
      if (earlier.length > 0) return { dependsOn: earlier, rule: 'reports-on-earlier' };
    }
    if (part.sequenced) return { dependsOn: [i - 1], rule: 'sequence' };
    if (BACK_REFERENCE.test(part.text)) return { dependsOn: [i - 1], rule: 'back-reference' };
    return { dependsOn: [] };
  });
}

function isReport(part: SubRequest): boolean {
  const lead = words(part.text)[0];
  return lead !== undefined && REPORTING_VERBS.has(stem(lead));
}
