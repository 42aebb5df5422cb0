import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const main = fileURLToPath(new URL('../packages/server/src/cli/main.ts', import.meta.url));

/** The workspace packages and libraries one `parley` invocation loads. */
function loadedBy(argv: string[]): Set<string> {
  const script = `
    import { registerHooks } from 'node:module';
    const seen = new Set();
    registerHooks({ resolve(specifier, context, next) {
      const { url } = next(specifier, context);
      const lib = url.split('node_modules/')[1];
      if (lib) seen.add(lib.split('/').slice(0, lib.startsWith('@') ? 2 : 1).join('/'));
      else if (url.includes('/packages/')) seen.add('@parley/' + url.split('/packages/')[1].split('/')[0]);
      return { url };
    } });
    const { main } = await import(${JSON.stringify(main)});
    await main(${JSON.stringify(argv)});
    process.stderr.write('LOADED ' + [...seen].join(' '));
  `;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  const line = result.stderr.split('\n').find((l) => l.startsWith('LOADED ')) ?? '';
  return new Set(line.slice('LOADED '.length).split(' '));
}

// Every command loads only what it uses: the mesh, Cedar and the OpenTelemetry
// SDK stay unloaded until a command needs them.
describe('parley startup', () => {
  it('answers --help without loading the mesh, Cedar, the store or the orchestrator', () => {
    const loaded = loadedBy(['--help']);
    expect(loaded.has('commander')).toBe(true);
    for (const heavy of [
      '@parley/policy',
      '@parley/store',
      '@parley/audit',
      '@parley/orchestrator',
      '@parley/mcp',
      '@parley/identity',
      '@cedar-policy/cedar-wasm',
      'fastify',
      'kysely',
    ]) {
      expect(loaded.has(heavy), heavy).toBe(false);
    }
  });
  it('loads Cedar for an offline policy check, and still not the mesh', () => {
    const loaded = loadedBy(['policy', 'check', '--json']);
    expect(loaded.has('@cedar-policy/cedar-wasm')).toBe(true);
    expect(loaded.has('fastify')).toBe(false);
  });
});
