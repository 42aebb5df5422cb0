import { type Command, Option } from 'commander';
import { CredentialCache } from './login-credential-cache.ts';
import { revokeRefreshToken } from './login-device-flow.ts';
import { signInInteractively } from './login-session.ts';

type Run = (action: () => Promise<number | undefined>, flags?: { json?: boolean }) => Promise<void>;

interface LoginFlags {
  url?: string;
  json?: boolean;
}

/** The server URL a command talks to, without a trailing slash. */
export function serverUrl(flags: { url?: string }): string {
  return (flags.url ?? 'http://127.0.0.1:7070').replace(/\/+$/, '');
}

/** The resource `parley ask` calls, and so the one `parley login` signs in for. */
export function conciergeResource(url: string): string {
  return `${url}/a2a/concierge`;
}

/**
 * `parley login [--url]`: signs in with the device flow (RFC 8628) and keeps
 * the refresh token for `parley ask`; `parley logout [--url]` revokes it and
 * forgets it.
 */
export function registerLoginCommands(
  program: Command,
  run: Run,
  cache: () => CredentialCache = () => new CredentialCache(),
): void {
  const urlOption = () =>
    new Option('--url <url>', 'the Parley server (default http://127.0.0.1:7070)').env('PARLEY_URL');
  program
    .command('login')
    .description('sign in to a Parley server from this terminal (device flow) for `parley ask`')
    .addOption(urlOption())
    .option('--json', 'print JSON')
    .action((flags: LoginFlags) =>
      run(async () => {
        const url = serverUrl(flags);
        const store = cache();
        const { username } = await signInInteractively({ url, resource: conciergeResource(url), cache: store });
        if (flags.json) process.stdout.write(`${JSON.stringify({ ok: true, url, username: username ?? null })}\n`);
        else
          process.stdout.write(`Signed in to ${url}${username ? ` as ${username}` : ''} (saved in ${store.path}).\n`);
        return 0;
      }, flags),
    );
  program
    .command('logout')
    .description('revoke and forget the sign-in `parley login` saved for a server')
    .addOption(urlOption())
    .option('--json', 'print JSON')
    .action((flags: LoginFlags) =>
      run(async () => {
        const url = serverUrl(flags);
        const saved = cache().delete(url);
        // Forgetting locally is what matters; revoking is a courtesy when the server answers.
        const revoked = saved
          ? await revokeRefreshToken({ url, refreshToken: saved.refreshToken, clientId: saved.clientId }).catch(
              () => false,
            )
          : false;
        if (flags.json)
          process.stdout.write(`${JSON.stringify({ ok: true, url, signedOut: Boolean(saved), revoked })}\n`);
        else process.stdout.write(saved ? `Signed out of ${url}.\n` : `Not signed in to ${url}.\n`);
        return 0;
      }, flags),
    );
}
