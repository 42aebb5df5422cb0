import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@parley/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { DecisionRequest } from '../engine/decision-request.ts';
import { PolicyInvalidError } from '../errors.ts';
import { PolicySet, type ReloadResult } from './policy-set.ts';

const ask: DecisionRequest = {
  principal: { type: 'Agent', id: 'scheduler' },
  action: 'tools/call',
  resource: { type: 'Tool', id: 'calendar.list_events', parents: [{ type: 'McpServer', id: 'calendar' }] },
  context: { protocol: 'mcp', audience: '', actorChain: [], scopes: [], approval: 'none', time: 0 },
};

/** Saves the way editors do (write aside, rename), so a reload never sees a half-written file. */
function save(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

const sets: PolicySet[] = [];
afterEach(async () => {
  for (const set of sets.splice(0)) await set.stop();
});

function nextReload(set: PolicySet, until: (r: ReloadResult) => boolean): Promise<ReloadResult> {
  return new Promise((resolve) => {
    const off = set.onReload((result) => {
      if (!until(result)) return;
      off();
      resolve(result);
    });
  });
}

describe('PolicySet', () => {
  it('hot reloads a changed file, and keeps the set in force when the file breaks', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'parley-policy-')), 'rules.cedar');
    writeFileSync(file, 'permit (principal, action == Action::"tools/call", resource in McpServer::"calendar");\n');
    const set = new PolicySet({ files: [file], demo: false, logger: silentLogger() });
    sets.push(set);
    await set.start();
    expect(set.engine.authorize(ask).code).toBe('allow');

    const kept = nextReload(set, (r) => r.code === 'kept');
    save(file, 'forbid (principal, action, resource);\n\npermit (principal, action, resource) when { oops };\n');
    const result = await kept;
    expect(result).toMatchObject({ code: 'kept', problems: [{ source: file, line: 3 }] });
    expect(set.problems[0]?.line).toBe(3);
    // The old set still decides.
    expect(set.engine.authorize(ask).code).toBe('allow');

    const loaded = nextReload(set, (r) => r.code === 'loaded');
    save(file, 'forbid (principal, action, resource);\n');
    await loaded;
    expect(set.engine.authorize(ask)).toMatchObject({ code: 'deny', reason: 'forbidden' });
    expect(set.problems).toEqual([]);
  });

  it('refuses to start with an invalid file, naming file and line', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'parley-policy-')), 'bad.cedar');
    writeFileSync(file, '\npermit (principal == Nobody::"x", action, resource);\n');
    const set = new PolicySet({ files: [file], demo: false, logger: silentLogger(), watch: false });
    const error = await set.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PolicyInvalidError);
    expect((error as PolicyInvalidError).message).toContain(`${file}:2:`);
  });
});
