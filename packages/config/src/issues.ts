import type { Issue } from '@parley/core';
import type { z } from 'zod';

/** Renders a zod path as `mcp.servers[1].url`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out === '' ? '(root)' : out;
}

/** Turns zod issues into Parley issues, one per problem, unknown keys named. */
export function toIssues(error: z.ZodError): Issue[] {
  const issues: Issue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        issues.push({ path: formatPath([...issue.path, key]), message: 'is not a known setting' });
      }
    } else if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      // Report the branch that got furthest instead of "invalid input".
      const best = [...issue.errors].sort((a, b) => a.length - b.length)[0] ?? [];
      for (const inner of best) {
        issues.push({ path: formatPath([...issue.path, ...inner.path]), message: inner.message });
      }
    } else {
      issues.push({ path: formatPath(issue.path), message: issue.message });
    }
  }
  return issues;
}
