import { describe, expect, it } from 'vitest';
import { cedar } from '../cedar/cedar.ts';
import { contextReadsOf } from './context-reads.ts';

const readsOf = (text: string) => {
  const json = cedar.policyToJson(text);
  if (json.type === 'failure') throw new Error(json.errors.map((e) => e.message).join('; '));
  return contextReadsOf(json.json);
};

describe('contextReadsOf', () => {
  it('lists the top-level context attributes a policy reads or tests', () => {
    expect(
      readsOf(`permit (principal, action, resource)
        when { context has arguments.x && context.scopes.contains("a") }
        unless { context.time > 3 || resource.owner == context.onBehalfOf };`),
    ).toEqual(['arguments', 'onBehalfOf', 'scopes', 'time']);
  });
  it('is empty for a policy without conditions on the context', () => {
    expect(
      readsOf('permit (principal == User::"alice", action, resource) when { principal.email like "*@x" };'),
    ).toEqual([]);
  });
  it('is "all" when the context is used as a whole', () => {
    expect(readsOf('permit (principal, action, resource) when { context == {} };')).toBe('all');
    expect(readsOf('permit (principal, action, resource) when { { c: context }.c has x };')).toBe('all');
  });
});
