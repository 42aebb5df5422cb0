import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The `parley` executable of this checkout. */
export const parleyBin = fileURLToPath(new URL('../../packages/server/bin/parley.js', import.meta.url));

/** Runs `parley ARGS` to completion. */
export function runParley(args: readonly string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [parleyBin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 30_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function tempDir(prefix = 'parley-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A `parley` process running in the background, its output collected. */
export interface SpawnedParley {
  readonly child: ChildProcessWithoutNullStreams;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
  /** Whether the process has exited. */
  done(): boolean;
  stdout(): string;
  stderr(): string;
}

/** Starts `parley ARGS` without waiting for it (quiet logs unless `env` says otherwise). */
export function spawnParley(args: readonly string[], env: Record<string, string> = {}): SpawnedParley {
  const child = spawn(process.execPath, [parleyBin, ...args], {
    env: { ...process.env, PARLEY_LOG_LEVEL: 'warn', ...env },
  });
  let stdout = '';
  let stderr = '';
  let exitedYet = false;
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      exitedYet = true;
      resolve(code);
    }),
  );
  return { child, exited, done: () => exitedYet, stdout: () => stdout, stderr: () => stderr };
}

/** A `parley dev|start` process, started with `--json` on a free port. */
export interface RunningParley {
  url: string;
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  /** Sends a signal and resolves with the exit code and how long exiting took. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; ms: number }>;
}

export async function startParley(args: readonly string[], env: Record<string, string> = {}): Promise<RunningParley> {
  const child = spawn(process.execPath, [parleyBin, ...args, '--port', '0', '--json'], {
    env: { ...process.env, PARLEY_LOG_LEVEL: 'warn', ...env },
  });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`parley did not start in 20 s:\n${output}`)), 20_000);
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      buffered += chunk.toString();
      for (const line of buffered.split('\n')) {
        if (!line.startsWith('{"event":"listening"')) continue;
        clearTimeout(timer);
        resolve((JSON.parse(line) as { url: string }).url);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`parley exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    child,
    output: () => output,
    stop(signal = 'SIGINT') {
      const started = Date.now();
      return new Promise((resolve) => {
        if (child.exitCode !== null) {
          resolve({ code: child.exitCode, ms: 0 });
          return;
        }
        child.once('exit', (code) => resolve({ code, ms: Date.now() - started }));
        child.kill(signal);
      });
    },
  };
}
