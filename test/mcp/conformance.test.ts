import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BearerProxy, startBearerProxy } from './support/bearer-proxy.ts';
import { type McpMesh, startEverythingMesh } from './support/mesh.ts';

/*
 * The official MCP conformance suite (@modelcontextprotocol/conformance), every
 * server scenario it has for 2025-11-25 and for 2026-07-28 (each run at its own
 * revision's wire), against the real mesh (startMesh, default parts, dev mode):
 * the gateway fronts the everything server with `prefix: ''`, so the suite sees
 * the tool names it expects. The 2026-07-28 scenarios exist only in the suite's
 * 0.2 pre-releases, so the version is pinned exactly.
 *
 * The suite's client sends no Authorization header and has no option to add
 * one, so it talks to a small reverse proxy that adds alice's dev API key as
 * the bearer credential; authentication, policy (a test policy permitting
 * alice on McpServer::"everything"), audit and rate limiting all run as in
 * production. Host and Origin pass through unchanged, so dns-rebinding-protection
 * tests the gateway's own checks.
 */

const require = createRequire(import.meta.url);
const CLI = join(require.resolve('@modelcontextprotocol/conformance/package.json'), '..', 'dist', 'index.js');
const SPECS = ['2025-11-25', '2026-07-28'] as const;

interface Check {
  id: string;
  name: string;
  status: 'SUCCESS' | 'FAILURE' | 'WARNING' | 'INFO' | 'SKIPPED';
  errorMessage?: string;
}

function listScenarios(spec: string): string[] {
  const out = execFileSync(process.execPath, [CLI, 'list', '--server', '--spec-version', spec], { encoding: 'utf8' });
  return [...out.matchAll(/^\s+- (\S+)/gm)].map((m) => m[1] ?? '');
}

/** Scenarios allowed to fail (`<spec>/<scenario>`), each with the reason. */
const EXPECTED_TO_FAIL: Record<string, string> = {};

const runs = SPECS.flatMap((spec) => listScenarios(spec).map((scenario) => [spec, scenario] as const));

describe('MCP conformance suite (server scenarios) through the gateway', () => {
  let mesh: McpMesh;
  let proxy: BearerProxy;
  let outDir: string;
  beforeAll(async () => {
    mesh = await startEverythingMesh({ prefix: '' });
    proxy = await startBearerProxy(mesh.url, mesh.alice.apiKey);
    outDir = mkdtempSync(join(tmpdir(), 'parley-conformance-'));
  }, 60_000);
  afterAll(async () => {
    await proxy?.close();
    await mesh?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it.each(SPECS)('has the %s server scenarios to run', (spec) => {
    expect(runs.filter(([s]) => s === spec).length).toBeGreaterThan(25);
  });

  it.each(runs)(
    '%s %s',
    async (spec, scenario) => {
      const dir = join(outDir, spec, scenario);
      await promisify(execFile)(
        process.execPath,
        [CLI, 'server', '--url', `${proxy.origin}/mcp`, '--scenario', scenario, '--spec-version', spec, '-o', dir],
        { timeout: 60_000 },
      ).catch((error: { stdout?: string }) => error);
      const file = findChecks(dir);
      const checks = JSON.parse(readFileSync(file, 'utf8')) as Check[];
      const failing = checks.filter((c) => c.status === 'FAILURE' || c.status === 'WARNING');
      const passed = checks.filter((c) => c.status === 'SUCCESS').length;
      const verdict = failing.length === 0 ? 'PASS' : 'FAIL';
      console.log(
        `[conformance] ${verdict} ${spec} ${scenario}: ${passed} passed, ${failing.length} failing` +
          failing.map((c) => `\n    ${c.status} ${c.name}: ${c.errorMessage ?? ''}`).join(''),
      );
      const expected = EXPECTED_TO_FAIL[`${spec}/${scenario}`];
      if (expected) {
        expect(failing.length, `expected to fail: ${expected}`).toBeGreaterThan(0);
      } else {
        expect(failing.map((c) => `${c.status} ${c.name}: ${c.errorMessage ?? ''}`)).toEqual([]);
      }
    },
    90_000,
  );
});

function findChecks(dir: string): string {
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (entry.endsWith('checks.json')) return join(dir, entry);
  }
  throw new Error(`the conformance CLI wrote no checks.json under ${dir}`);
}
