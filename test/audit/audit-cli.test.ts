import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { AuditLog, withSpan } from '@parley/audit';
import { Store } from '@parley/store';
import { describe, expect, it } from 'vitest';
import { parleyBin, runParley, tempDir } from '../support/parley-process.ts';

/** Runs `parley ARGS` without blocking this process (a server in it may have to answer). */
function parleyAsync(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [parleyBin, ...args], {
      env: { ...process.env, PARLEY_LOG_LEVEL: 'silent' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Waits (bounded) until `condition` holds. */
async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function seed(dataDir: string, count: number): Promise<void> {
  const store = await Store.open({ dataDir });
  const log = new AuditLog({ store });
  for (let i = 1; i <= count; i++) {
    await log.record({ kind: 'hop', principal: 'User::alice', action: 'tools/call', outcome: 'ok', latencyMs: i });
  }
  await store.close();
}

describe('parley audit verify (offline)', () => {
  it('verifies the SQLite file in the data dir with the server down, and exits 1 naming a broken link', {
    timeout: 60_000,
  }, async () => {
    const dataDir = tempDir();
    await seed(dataDir, 5);
    const ok = runParley(['audit', 'verify', '--data-dir', dataDir]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('audit log intact: 5 entries');
    const json = runParley(['audit', 'verify', '--json'], { PARLEY_DATA_DIR: dataDir });
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, entries: 5 });

    const store = await Store.open({ url: `sqlite:${join(dataDir, 'parley.db')}` });
    await store.db.updateTable('audit_log').set({ latency_ms: 9999 }).where('seq', '=', 3).execute();
    await store.close();
    const broken = runParley(['audit', 'verify', '--data-dir', dataDir]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('BROKEN at entry #3 (hash-mismatch)');
    const brokenJson = runParley(['audit', 'verify', '--data-dir', dataDir, '--json']);
    expect(brokenJson.code).toBe(1);
    expect(JSON.parse(brokenJson.stdout)).toMatchObject({ ok: false, brokenAt: 3, reason: 'hash-mismatch' });
  });

  it('says so when there is no store at all', () => {
    const result = runParley(['audit', 'verify', '--data-dir', join(tempDir(), 'nothing')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ERR_AUDIT_NO_LOG');
  });
});

describe('parley audit and traces against a server', () => {
  it('tails, searches, exports and shows a trace tree', { timeout: 90_000 }, async () => {
    // A mesh in this process with a fake identity; the CLI talks to it over HTTP.
    const { startMesh } = await import('../../packages/server/src/mesh/start-mesh.ts');
    const { auditPart } = await import('../../packages/server/src/mesh/parts/audit.ts');
    const { validateConfig } = await import('@parley/config');
    const { silentLogger } = await import('@parley/core');
    const dataDir = tempDir();
    const mesh = await startMesh({
      config: validateConfig({ dataDir, server: { port: 0 } }),
      mode: 'start',
      logger: silentLogger(),
      parts: [
        {
          name: 'identity',
          async start({ services }) {
            services.set('authenticate', async () => ({ principal: { type: 'User', id: 'root' }, roles: ['admin'] }));
            return undefined;
          },
        },
        auditPart,
      ],
    });
    try {
      const audit = mesh.context.services.get('audit') as AuditLog;
      let traceId = '';
      await withSpan('parley.ask', { 'parley.principal': 'User::alice' }, async (span) => {
        traceId = span.spanContext().traceId;
        await withSpan('parley.decide', { 'parley.decision': 'allow' }, () => undefined);
        for (let i = 1; i <= 3; i++) {
          await audit.record({ kind: 'hop', principal: 'User::alice', action: 'tools/call', outcome: 'ok', traceId });
        }
        await audit.record({
          kind: 'hop',
          principal: 'User::bob',
          action: 'SendMessage',
          decision: 'deny',
          outcome: 'denied',
        });
      });
      const api = ['--url', mesh.url, '--api-key', 'k'];

      const tail = await parleyAsync(['audit', 'tail', '-n', '2', '--json', ...api]);
      expect(tail.code).toBe(0);
      expect((JSON.parse(tail.stdout) as Array<{ seq: number }>).map((e) => e.seq)).toEqual([3, 4]);
      const search = await parleyAsync(['audit', 'search', '--principal', 'bob', '--decision', 'deny', ...api]);
      expect(search.stdout).toMatch(/#4 hop User::bob SendMessage deny -> denied/);
      expect(search.stdout).not.toContain('alice');
      const byTrace = await parleyAsync(['audit', 'search', '--trace', traceId, '--json', ...api]);
      expect(JSON.parse(byTrace.stdout)).toHaveLength(3);

      const out = join(dataDir, 'audit.jsonl');
      const exported = await parleyAsync(['audit', 'export', '--out', out, ...api]);
      expect(exported.code).toBe(0);
      const { readFileSync } = await import('node:fs');
      const lines = readFileSync(out, 'utf8').trim().split('\n');
      expect(lines.map((l) => (JSON.parse(l) as { seq: number }).seq)).toEqual([1, 2, 3, 4]);

      await (mesh.context.services.get('tracing') as { flush(): Promise<void> }).flush();
      const shown = await parleyAsync(['traces', 'show', traceId, ...api]);
      expect(shown.code).toBe(0);
      expect(shown.stdout).toMatch(/^parley\.ask .*principal=User::alice/m);
      expect(shown.stdout).toMatch(/^└─ parley\.decide .*decision=allow/m);
      const missing = await parleyAsync(['traces', 'show', '0'.repeat(32), ...api]);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('ERR_NOT_FOUND');

      // --follow: the last entry, then each new one as it is committed (pushed, in order, once).
      const follower = spawn(process.execPath, [parleyBin, 'audit', 'tail', '-n', '1', '-f', '--json', ...api]);
      let followed = '';
      follower.stdout.on('data', (c: Buffer) => {
        followed += c.toString();
      });
      const seqs = () =>
        followed
          .split('\n')
          .filter((l) => l.trim() !== '')
          .map((l) => (JSON.parse(l) as { seq: number }).seq);
      try {
        await until(() => seqs().length >= 1);
        expect(seqs()).toEqual([4]);
        await audit.record({ kind: 'hop', principal: 'User::carol', action: 'tools/call', outcome: 'ok' });
        await audit.record({ kind: 'hop', principal: 'User::dave', action: 'tools/call', outcome: 'ok' });
        await until(() => seqs().length >= 3);
        expect(seqs()).toEqual([4, 5, 6]);
      } finally {
        follower.kill();
      }

      // A reconnecting reader names the last entry it saw (Last-Event-ID) and gets the rest, in order.
      const abort = new AbortController();
      const response = await fetch(`${mesh.url}/api/audit/stream`, {
        headers: { authorization: 'Bearer k', accept: 'text/event-stream', 'last-event-id': '3' },
        signal: abort.signal,
      });
      expect(response.headers.get('content-type')).toBe('text/event-stream');
      const ids: string[] = [];
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      let text = '';
      while (ids.length < 3) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
        ids.splice(0, ids.length, ...[...text.matchAll(/^id: (\d+)$/gm)].map((m) => m[1] as string));
      }
      abort.abort();
      expect(ids).toEqual(['4', '5', '6']);
    } finally {
      await mesh.close();
    }
  });
});
