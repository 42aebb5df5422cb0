import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { AuditLog } from '@parley/audit';
import { Store, testStoreBackends } from '@parley/store';
import { afterEach, describe, expect, it } from 'vitest';

const writer = fileURLToPath(new URL('./support/audit-writer.ts', import.meta.url));

describe.each(testStoreBackends())('audit log durability on $name', (backend) => {
  const disposers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const dispose of disposers.splice(0)) await dispose();
  });

  it('keeps every acknowledged entry of two writer processes, in one valid chain, after kill -9', async () => {
    const opened = await backend.open();
    disposers.push(opened.dispose);
    const { url, schema } = opened;
    await opened.store.close();
    // Two writer processes at once: the chain must stay linear across processes.
    const children = [0, 1].map(() =>
      spawn(process.execPath, [writer, url, schema ?? ''], { stdio: ['ignore', 'pipe', 'inherit'] }),
    );
    const closed = children.map((child) => new Promise((resolve) => child.once('close', resolve)));
    const acked: string[][] = [[], []];
    await Promise.all(
      children.map(
        (child, n) =>
          new Promise<void>((resolve, reject) => {
            const mine = acked[n] ?? [];
            const timer = setTimeout(
              () =>
                reject(
                  new Error(
                    `writer ${n}: only ${mine.length} acks before timeout (${acked.map((a) => a.length).join(',')})`,
                  ),
                ),
              20_000,
            );
            let buffered = '';
            child.stdout.on('data', (chunk: Buffer) => {
              buffered += chunk.toString();
              const lines = buffered.split('\n');
              buffered = lines.pop() ?? '';
              for (const line of lines) if (line.startsWith('ack ')) mine.push(line.slice(4));
              if (mine.length >= 150 && child.exitCode === null && !child.killed) {
                child.kill('SIGKILL');
                clearTimeout(timer);
                resolve();
              }
            });
            child.on('exit', (code, signal) => {
              if (signal !== 'SIGKILL') reject(new Error(`writer exited early: ${code}`));
            });
          }),
      ),
    );
    await Promise.all(closed);

    const reopened = await Store.open({ url, schema });
    disposers.unshift(() => reopened.close());
    const log = new AuditLog({ store: reopened });
    const ids = new Set<string>();
    for await (const entry of log.entries()) ids.add(entry.id);
    const all = acked.flat();
    expect(all.length).toBeGreaterThanOrEqual(300);
    expect(all.filter((id) => !ids.has(id))).toEqual([]);
    expect(await log.verify()).toMatchObject({ ok: true, entries: ids.size });
  });
});
