import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ParleyError } from '@parley/core';
import { type Command, Option } from 'commander';

/** Flags every command that talks to a running server accepts. */
export interface ApiFlags {
  url?: string;
  apiKey?: string;
  dataDir?: string;
  json?: boolean;
}

/** Name of the file, in the data directory, holding the bootstrap admin API key (mode 0600). */
export const ADMIN_KEY_FILE = 'admin-api-key';

/** Adds `--url`, `--api-key`, `--data-dir` and `--json` to a command. */
export function withApiOptions(command: Command): Command {
  return command
    .addOption(new Option('--url <url>', 'the Parley server (default http://127.0.0.1:7070)').env('PARLEY_URL'))
    .addOption(
      new Option('--api-key <key>', `API key to use (default: <data-dir>/${ADMIN_KEY_FILE})`).env('PARLEY_API_KEY'),
    )
    .addOption(
      new Option('--data-dir <dir>', 'data directory of a local server (default ./.parley)').env('PARLEY_DATA_DIR'),
    )
    .option('--json', 'print JSON');
}

/** A small client for the admin API, as the CLI uses it. */
export class ApiClient {
  readonly baseUrl: string;
  readonly #apiKey: string | undefined;

  constructor(flags: ApiFlags) {
    this.baseUrl = (flags.url ?? 'http://127.0.0.1:7070').replace(/\/+$/, '');
    this.#apiKey = flags.apiKey ?? readAdminKey(flags.dataDir ?? './.parley');
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }
  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }
  put<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('PUT', path, body);
  }
  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.#send(method, path, body, 'application/json', AbortSignal.timeout(120_000));
    const text = await response.text();
    return (text === '' ? undefined : safeJson(text)) as T;
  }

  /** A Server-Sent Events response's body, read for as long as the server keeps it open. */
  async stream(path: string): Promise<ReadableStream<Uint8Array>> {
    const response = await this.#send('GET', path, undefined, 'text/event-stream');
    if (!response.body) throw new ParleyError('ERR_CLI_NO_STREAM', `GET ${path} returned no stream`, { status: 502 });
    return response.body;
  }

  async #send(method: string, path: string, body: unknown, accept: string, signal?: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = { accept };
    if (this.#apiKey) headers.authorization = `Bearer ${this.#apiKey}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      throw new ParleyError(
        'ERR_CLI_UNREACHABLE',
        `no Parley server answers at ${this.baseUrl} (start one with \`parley dev\`)`,
        {
          status: 503,
          cause: error,
        },
      );
    }
    if (response.ok) return response;
    const text = await response.text();
    const data = (text === '' ? undefined : safeJson(text)) as
      | { error?: { code?: string; message?: string } }
      | undefined;
    throw new ParleyError(
      data?.error?.code ?? `ERR_HTTP_${response.status}`,
      data?.error?.message ?? `${method} ${path} failed with ${response.status}`,
      { status: response.status },
    );
  }
}

function readAdminKey(dataDir: string): string | undefined {
  try {
    return readFileSync(join(dataDir, ADMIN_KEY_FILE), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { error: { message: text.slice(0, 200) } };
  }
}
