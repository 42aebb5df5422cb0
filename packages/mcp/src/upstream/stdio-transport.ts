import { type ChildProcess, spawn } from 'node:child_process';
import { type JSONRPCMessage, ReadBuffer, type Transport } from '@modelcontextprotocol/client';

/** How to spawn a stdio upstream. */
export interface StdioLaunch {
  readonly command: string;
  readonly args: readonly string[];
  /** The whole environment of the child besides PATH: nothing of Parley's own is inherited. */
  readonly env: Readonly<Record<string, string>>;
  readonly cwd?: string | undefined;
  /** Receives the child's stderr lines (logs). */
  readonly onStderr?: (line: string) => void;
}

/**
 * The stdio transport with a clean environment. The SDK's own stdio client
 * transport always merges HOME, USER, SHELL, ... of this process into the
 * child's environment; an upstream must see only PATH and what its config gives,
 * so secrets in Parley's environment cannot leak to it.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/transports#stdio
 */
export class CleanStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  readonly #launch: StdioLaunch;
  readonly #buffer = new ReadBuffer();
  #child: ChildProcess | undefined;
  #closed = false;

  constructor(launch: StdioLaunch) {
    this.#launch = launch;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.#launch.command, [...this.#launch.args], {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...this.#launch.env },
        cwd: this.#launch.cwd,
        stdio: ['pipe', 'pipe', 'pipe'],
        windowsHide: true,
      });
      this.#child = child;
      child.once('error', (error) => {
        reject(error);
        this.onerror?.(error);
        this.#finish();
      });
      child.once('spawn', () => resolve());
      child.once('exit', () => this.#finish());
      child.stdin?.on('error', (error) => this.onerror?.(error));
      child.stdout?.on('data', (chunk: Buffer) => {
        this.#buffer.append(chunk);
        for (;;) {
          let message: JSONRPCMessage | null;
          try {
            message = this.#buffer.readMessage();
          } catch (error) {
            this.onerror?.(error as Error);
            continue;
          }
          if (message === null) break;
          this.onmessage?.(message);
        }
      });
      let pending = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        pending += chunk.toString();
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) if (line.trim()) this.#launch.onStderr?.(line);
      });
    });
  }

  async send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.#child?.stdin;
    if (!stdin || this.#closed) throw new Error('stdio upstream is not running');
    const line = `${JSON.stringify(message)}\n`;
    if (!stdin.write(line)) await new Promise<void>((resolve) => stdin.once('drain', resolve));
  }

  async close(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      this.#finish();
      return;
    }
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.stdin?.end();
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(timer);
    this.#finish();
  }

  #finish(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#buffer.clear();
    this.onclose?.();
  }
}
