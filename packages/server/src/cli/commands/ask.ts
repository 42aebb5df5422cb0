import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { ParleyError } from '@parley/core';
import { type Command, Option } from 'commander';
import { EXIT_FAILURE, EXIT_USAGE, reportCliError } from '../cli-error.ts';
import { ConciergeClient, type ConciergePort } from './ask-concierge-client.ts';
import type { AskSummary } from './ask-session.ts';
import { conciergeResource } from './login.ts';
import { type AccessTokenSource, resumeSignIn, signInInteractively } from './login-session.ts';

/** Name of the file, in the data directory, `parley dev` writes the demo users' credentials to. */
export const DEV_CREDENTIALS_FILE = 'dev-credentials.json';

export interface AskFlags {
  url?: string;
  apiKey?: string;
  dataDir?: string;
  json?: boolean;
}

/** What the command needs from the outside world; replaced in tests. */
export interface AskDependencies {
  readonly connect: (flags: Required<Pick<AskFlags, 'url'>> & AskFlags) => Promise<ConciergePort>;
  readonly stdout: (text: string) => void;
  readonly interactive: boolean;
  readonly prompt: (question: string) => Promise<string | undefined>;
}

type Run = (action: () => Promise<number | undefined>, flags?: { json?: boolean }) => Promise<void>;

/**
 * `parley ask "..." [--json]`: hands a request to the concierge over A2A
 * (SendStreamingMessage), shows the plan live, asks inline for the
 * concierge's questions when the terminal is interactive, prints the final
 * answer and the trace id, and exits non-zero unless the whole request was
 * done.
 */
export function registerAskCommand(
  program: Command,
  run: Run = defaultRun,
  dependencies: AskDependencies = defaults(),
): void {
  program
    .command('ask')
    .description("ask the concierge to get something done by the mesh's agents")
    .argument('<request...>', 'what you want done, in your own words')
    .addOption(new Option('--url <url>', 'the Parley server (default http://127.0.0.1:7070)').env('PARLEY_URL'))
    .addOption(
      new Option('--api-key <key>', 'sign in with this API key (for scripts; default: `parley login`)').env(
        'PARLEY_API_KEY',
      ),
    )
    .addOption(
      new Option('--data-dir <dir>', `data directory of a local dev server, for ${DEV_CREDENTIALS_FILE}`).env(
        'PARLEY_DATA_DIR',
      ),
    )
    .option('--json', 'print one JSON document at the end instead of the live view')
    .action((words: string[], flags: AskFlags) => run(() => ask(words.join(' '), flags, dependencies), flags));
}

async function ask(request: string, flags: AskFlags, dependencies: AskDependencies): Promise<number> {
  if (request.trim() === '')
    throw new ParleyError('ERR_CLI_USAGE', 'say what you want done, e.g. parley ask "book a room"', { status: 400 });
  const url = (flags.url ?? 'http://127.0.0.1:7070').replace(/\/+$/, '');
  const concierge = await dependencies.connect({ ...flags, url });
  // The orchestrator package (for the live view and progress) loads only when asking.
  const [{ runAskSession }, { AskView }] = await Promise.all([import('./ask-session.ts'), import('./ask-view.ts')]);
  const view = flags.json ? undefined : new AskView(dependencies.stdout);
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  let summary: AskSummary;
  try {
    summary = await runAskSession({
      request,
      concierge,
      view,
      prompt: dependencies.interactive && !flags.json ? dependencies.prompt : undefined,
      signal: controller.signal,
    });
  } finally {
    process.removeListener('SIGINT', onSignal);
  }
  if (flags.json) dependencies.stdout(`${JSON.stringify(summary, null, 2)}\n`);
  else view?.final(summary, summary.traceId);
  return summary.ok ? 0 : EXIT_FAILURE;
}

/**
 * How `parley ask` signs in, first that applies: `--api-key`; the sign-in
 * `parley login` (or an earlier ask) saved for this server; alice's API key
 * from a local dev server's credentials file; else the device flow, whose
 * refresh token is saved for the next time.
 */
export async function signInForAsk(flags: AskFlags & { url: string }): Promise<string | AccessTokenSource> {
  if (flags.apiKey) return flags.apiKey;
  const session = { url: flags.url, resource: conciergeResource(flags.url) };
  const saved = await resumeSignIn(session);
  if (saved) return saved;
  if (existsSync(devCredentialsPath(flags))) return resolveApiKey(flags);
  return (await signInInteractively(session)).tokens;
}

function devCredentialsPath(flags: AskFlags): string {
  return join(flags.dataDir ?? './.parley', DEV_CREDENTIALS_FILE);
}

/** The API key to sign in with: `--api-key`, else alice's from a local dev server's credentials file. */
export function resolveApiKey(flags: AskFlags): string {
  if (flags.apiKey) return flags.apiKey;
  const file = devCredentialsPath(flags);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ParleyError(
      'ERR_CLI_NO_CREDENTIALS',
      `not signed in: pass --api-key KEY (no ${file} from \`parley dev\` either)`,
      {
        status: 401,
      },
    );
  }
  const key = devUserApiKey(JSON.parse(text) as unknown, 'alice');
  if (!key)
    throw new ParleyError('ERR_CLI_NO_CREDENTIALS', `${file} holds no API key for alice; pass --api-key KEY`, {
      status: 401,
    });
  return key;
}

/** Finds `username`'s apiKey in the dev credentials, whether keyed by name or listed. */
function devUserApiKey(credentials: unknown, username: string): string | undefined {
  if (typeof credentials !== 'object' || credentials === null) return undefined;
  const record = credentials as Record<string, unknown>;
  const direct = record[username];
  if (typeof direct === 'object' && direct !== null && typeof (direct as { apiKey?: unknown }).apiKey === 'string') {
    return (direct as { apiKey: string }).apiKey;
  }
  for (const value of Object.values(record)) {
    const list = Array.isArray(value) ? value : [];
    for (const entry of list) {
      const user = entry as { username?: unknown; name?: unknown; apiKey?: unknown };
      if ((user.username === username || user.name === username) && typeof user.apiKey === 'string') return user.apiKey;
    }
  }
  return undefined;
}

function defaults(): AskDependencies {
  return {
    async connect(flags) {
      const endpoint = `${flags.url}/a2a/concierge`;
      // An API key is a bearer credential in its own right: Parley checks it against
      // the concierge's audience and scopes exactly as it checks a token.
      return new ConciergeClient(endpoint, await signInForAsk(flags));
    },
    stdout: (text) => process.stdout.write(text),
    interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
    async prompt(question) {
      const readline = createInterface({ input: process.stdin, output: process.stdout });
      try {
        return await readline.question(`? ${question}\n> `);
      } finally {
        readline.close();
      }
    },
  };
}

async function defaultRun(action: () => Promise<number | undefined>, flags: { json?: boolean } = {}): Promise<void> {
  try {
    const code = await action();
    if (code !== undefined) process.exitCode = code;
  } catch (error) {
    const code = reportCliError(error, flags);
    process.exitCode = error instanceof ParleyError && error.code === 'ERR_CLI_USAGE' ? EXIT_USAGE : code;
  }
}
