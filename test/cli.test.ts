import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningParley, runParley, startParley, tempDir } from './support/parley-process.ts';

const running: RunningParley[] = [];
afterEach(async () => {
  for (const p of running.splice(0)) await p.stop('SIGKILL');
});

const THREE_MISTAKES = [
  'server:',
  '  port: -1',
  'mcp:',
  '  servers:',
  '    - name: calendar',
  '      url: http://127.0.0.1:9001/mcp',
  '    - name: rooms',
  '      url: not-a-url',
  'identity:',
  '  accessTokenTtl: whenever',
].join('\n');

describe('parley CLI', () => {
  it('prints help for the program and for each command', () => {
    const top = runParley(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/dev \[options\]/);
    expect(top.stdout).toMatch(/start \[options\]/);
    const dev = runParley(['dev', '--help']);
    expect(dev.code).toBe(0);
    expect(dev.stdout).toMatch(/--data-dir <dir>/);
  });

  it('exits 2 on an unknown command', () => {
    const result = runParley(['frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown command/);
  });

  it('config check lists all three mistakes and exits non-zero', () => {
    const file = join(tempDir(), 'parley.yaml');
    writeFileSync(file, THREE_MISTAKES);
    const result = runParley(['config', 'check', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('server.port: must be between 0 and 65535');
    expect(result.stderr).toContain('mcp.servers[1].url: must be an http(s) URL');
    expect(result.stderr).toContain('identity.accessTokenTtl: must be a duration');
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace

    const json = runParley(['config', 'check', file, '--json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout).issues).toHaveLength(3);
  });

  it('start refuses an invalid file the same way', () => {
    const file = join(tempDir(), 'parley.yaml');
    writeFileSync(file, THREE_MISTAKES);
    const result = runParley(['start', '--config', file]);
    expect(result.code).toBe(2);
    expect(result.stderr.match(/^ {2}\S+: /gm)).toHaveLength(3);
  });

  it('config check accepts a valid file', () => {
    const file = join(tempDir(), 'parley.yaml');
    writeFileSync(file, 'server:\n  port: 8080\n');
    const result = runParley(['config', 'check', file, '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ ok: true, file });
  });

  it('dev serves /healthz and /readyz and exits 0 on Ctrl-C', async () => {
    const dataDir = tempDir();
    const parley = await startParley(['dev', '--data-dir', dataDir]);
    running.push(parley);
    const health = await fetch(`${parley.url}/healthz`);
    expect(health.status).toBe(200);
    expect(health.headers.get('x-request-id')).toBeTruthy();
    const ready = await fetch(`${parley.url}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ready', store: 'sqlite' });
    const { code, ms } = await parley.stop('SIGINT');
    expect(code).toBe(0);
    expect(ms).toBeLessThan(10_000);
  });

  it('start honours PARLEY_DATA_DIR and exits 0 on SIGTERM', async () => {
    const dataDir = tempDir();
    const parley = await startParley(['start'], { PARLEY_DATA_DIR: dataDir });
    running.push(parley);
    expect((await fetch(`${parley.url}/readyz`)).status).toBe(200);
    expect((await parley.stop('SIGTERM')).code).toBe(0);
  });

  it('refuses to start on a port already in use, with a clear message', async () => {
    const first = await startParley(['start', '--data-dir', tempDir()]);
    running.push(first);
    const port = new URL(first.url).port;
    const result = runParley(['start', '--data-dir', tempDir(), '--port', port]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`port ${port} on 127.0.0.1 is already in use`);
  });
});
