import type { PolicyJson } from '../cedar/cedar.ts';

/**
 * Which top-level `context` attributes a policy can observe: a list, or
 * `'all'` when it uses `context` other than as `context.x` / `context has x`.
 * A decision depends on no other part of the context, which is what lets the
 * engine reuse it.
 */
export type ContextReads = 'all' | readonly string[];

/** Reads a policy's context accesses off Cedar's JSON form of its conditions. */
export function contextReadsOf(policy: PolicyJson): ContextReads {
  const reads = new Set<string>();
  let all = false;
  const visit = (node: unknown): void => {
    if (all || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    const record = node as Record<string, unknown>;
    for (const op of ['.', 'has'] as const) {
      const access = record[op] as { left?: unknown; attr?: unknown } | undefined;
      if (access && isContextVar(access.left)) {
        const first = Array.isArray(access.attr) ? access.attr[0] : access.attr;
        if (typeof first === 'string') reads.add(first);
        else all = true;
        return;
      }
    }
    if (isContextVar(record)) {
      all = true;
      return;
    }
    for (const value of Object.values(record)) visit(value);
  };
  visit(policy.conditions);
  return all ? 'all' : [...reads].sort();
}

function isContextVar(node: unknown): boolean {
  return typeof node === 'object' && node !== null && (node as { Var?: unknown }).Var === 'context';
}
