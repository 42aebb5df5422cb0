import { describe, expect, it } from 'vitest';
import { compilePolicies } from './compile.ts';
import { renderProblem } from './policy-problem.ts';

describe('compilePolicies', () => {
  it('accepts valid policies and names them by @id or file:line', () => {
    const result = compilePolicies([
      {
        name: 'a.cedar',
        text: '// hi\n@id("first")\npermit (principal, action == Action::"tools/call", resource);\n\npermit (principal is Agent, action == Action::"GetTask", resource);\n',
      },
    ]);
    expect(result.code).toBe('ok');
    if (result.code === 'ok')
      expect(result.policies.map((p) => [p.id, p.line])).toEqual([
        ['first', 2],
        ['a.cedar:5', 5],
      ]);
  });

  it('reports a parse error with file:line:column', () => {
    const result = compilePolicies([
      {
        name: 'broken.cedar',
        text: 'permit (principal, action, resource);\n\npermit (principal, action, resource) when { 1 + };\n',
      },
    ]);
    expect(result.code).toBe('invalid');
    if (result.code === 'invalid')
      expect(renderProblem(result.problems[0] as never)).toMatch(/^broken\.cedar:3:\d+: .*unexpected token/);
  });

  it('reports schema errors: unknown entity type, unknown action, wrong attribute, at their line', () => {
    const text = [
      'permit (principal == Robot::"r2", action, resource);',
      'permit (principal, action == Action::"tools/cal", resource);',
      'permit (principal, action == Action::"tools/call", resource) when { context.actorDepth == "two" };',
      'permit (principal, action == Action::"tools/call", resource) when { context.arguments.anything > 3 };',
    ].join('\n');
    const result = compilePolicies([{ name: 'x.cedar', text }]);
    expect(result.code).toBe('invalid');
    if (result.code !== 'invalid') return;
    const lines = result.problems.map((p) => p.line);
    expect(lines).toContain(1);
    expect(lines).toContain(2);
    expect(lines).toContain(3);
    // Tool arguments are open: line 4 is fine.
    expect(lines).not.toContain(4);
    expect(result.problems.every((p) => p.code === 'validation' && p.source === 'x.cedar')).toBe(true);
  });

  it('refuses a duplicate @id across files', () => {
    const policy = '@id("same") permit (principal, action, resource);';
    const result = compilePolicies([
      { name: 'a.cedar', text: policy },
      { name: 'b.cedar', text: `\n${policy}` },
    ]);
    expect(result).toMatchObject({ code: 'invalid', problems: [{ code: 'duplicate-id', source: 'b.cedar', line: 2 }] });
  });
});
