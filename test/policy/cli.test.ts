import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runParley, tempDir } from '../support/parley-process.ts';

describe('parley policy', () => {
  it('check accepts the shipped policies and a valid file', () => {
    expect(runParley(['policy', 'check']).code).toBe(0);
    const file = join(tempDir(), 'ok.cedar');
    writeFileSync(
      file,
      '@id("ok")\npermit (principal == Agent::"a", action == Action::"tools/call", resource in McpServer::"m");\n',
    );
    const result = runParley(['policy', 'check', file, '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).policies).toContain('ok');
  });

  it('check reports file:line and exits non-zero', () => {
    const file = join(tempDir(), 'bad.cedar');
    writeFileSync(
      file,
      'permit (principal, action, resource);\n\npermit (principal, action == Action::"tools/call", resource)\nwhen { context.nope };\n',
    );
    const result = runParley(['policy', 'check', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}:4:`);
    const json = runParley(['policy', 'check', file, '--json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout).problems[0]).toMatchObject({ source: file, line: 4 });
  });

  it('test explains an allowed, an approval-required and a denied call', () => {
    const base = ['policy', 'test', '--action', 'Action::"tools/call"', '--on-behalf-of', 'User::"alice"', '--json'];
    const allowed = runParley([
      ...base,
      '--principal',
      'Agent::"scheduler"',
      '--resource',
      'Tool::"calendar.find_free_slots"',
    ]);
    expect(allowed.code).toBe(0);
    expect(JSON.parse(allowed.stdout)).toMatchObject({
      decision: 'allow',
      allowed: true,
      determining: [{ id: 'demo-scheduler-calendar', source: 'demo/scheduler.cedar' }],
    });
    const held = runParley([...base, '--principal', 'Agent::"comms"', '--resource', 'Tool::"mail.send_email"']);
    expect(JSON.parse(held.stdout)).toMatchObject({ decision: 'approval-required', approvalRequired: true });
    const denied = runParley([
      ...base,
      '--principal',
      'Agent::"scheduler"',
      '--resource',
      'Tool::"mail.send_email"',
      '--expect',
      'allow',
    ]);
    expect(denied.code).toBe(1);
    expect(JSON.parse(denied.stdout)).toMatchObject({ decision: 'deny', allowed: false, determining: [] });
  });

  it('test decides against given files and context', () => {
    const file = join(tempDir(), 'rooms.cedar');
    writeFileSync(
      file,
      '@id("big") forbid (principal, action, resource) when { context.arguments has attendees && context.arguments.attendees > 10 };\n@id("any") permit (principal, action, resource);\n',
    );
    const run = (attendees: number) =>
      runParley([
        'policy',
        'test',
        '--files',
        file,
        '--principal',
        'Agent::"x"',
        '--action',
        'tools/call',
        '--resource',
        'Tool::"rooms.book_room"',
        '--context',
        JSON.stringify({ arguments: { attendees } }),
      ]);
    expect(run(4).stdout).toMatch(/^ALLOW/);
    expect(run(40).stdout).toMatch(/^DENY: forbidden by big/);
  });

  it('approvals list needs a server', () => {
    const result = runParley(['approvals', 'list', '--url', 'http://127.0.0.1:9', '--json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, code: 'ERR_CLI_UNREACHABLE' });
  });
});
