// Start-up time: from spawning `parley dev` to the first 200 from /healthz,
// against a bare Node http server spawned the same way (the floor on this machine).
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const parleyBin = fileURLToPath(new URL('../packages/server/bin/parley.js', import.meta.url));
const RUNS = Number(process.env.RUNS ?? 5);

async function timeToHealthy(args: string[], port: number): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { stdio: 'ignore', env: { ...process.env, PARLEY_LOG_LEVEL: 'silent' } });
  try {
    for (let i = 0; i < 600; i++) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/healthz`);
        if (response.status === 200) return performance.now() - started;
      } catch {}
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('did not become healthy in 6 s');
  } finally {
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

const bare = `require('node:http').createServer((q,s)=>s.end('ok')).listen(${17_990},'127.0.0.1')`;
const results = { parley: [] as number[], bareNode: [] as number[] };
for (let run = 0; run < RUNS; run++) {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
  results.parley.push(await timeToHealthy([parleyBin, 'dev', '--port', '17991', '--data-dir', dataDir], 17_991));
  results.bareNode.push(await timeToHealthy(['-e', bare], 17_990));
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const parley = median(results.parley);
const floor = median(results.bareNode);
console.log(`startup (median of ${RUNS}, fresh data dir each run)`);
console.log(`  parley dev -> /healthz 200   ${parley.toFixed(0)} ms`);
console.log(`  bare node http server        ${floor.toFixed(0)} ms`);
console.log(`  ratio                        ${(parley / floor).toFixed(1)}x   (target: parley under 3000 ms)`);
