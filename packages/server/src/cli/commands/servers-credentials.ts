import { ValidationError } from '@parley/core';
import type { Command } from 'commander';
import { ApiClient, type ApiFlags, withApiOptions } from '../api-client.ts';
import { printData } from '../output.ts';

type Run = (action: () => Promise<number | undefined>, flags?: { json?: boolean }) => Promise<void>;

interface CredentialStatus {
  server: string;
  user: string;
  set: boolean;
  updatedAt?: number;
}

interface SetFlags extends ApiFlags {
  user?: string;
  value?: string;
  valueStdin?: boolean;
}

const path = (server: string, user?: string) =>
  `/api/mcp/servers/${encodeURIComponent(server)}/credentials${user === undefined ? '' : `?user=${encodeURIComponent(user)}`}`;

/**
 * `parley servers credentials set|clear|show`: your own credential for a
 * `per-user` upstream (administrators: anyone's, with `--user`).
 */
export function registerServerCredentialsCommands(servers: Command, run: Run): void {
  const credentials = servers
    .command('credentials')
    .description('your own credential for an upstream whose auth is per-user');

  withApiOptions(
    credentials
      .command('set')
      .description('store your credential for SERVER (sealed at rest; sent to that upstream on your calls only)')
      .argument('<server>')
      .option('--user <user>', 'set it for another user (administrators)')
      .option('--value <value>', 'the credential (visible in shell history and ps: prefer --value-stdin)')
      .option('--value-stdin', 'read the credential from standard input'),
  ).action((server: string, flags: SetFlags) =>
    run(async () => {
      const value = flags.valueStdin ? (await readStdin()).replace(/\r?\n$/, '') : flags.value;
      if (value === undefined || value === '')
        throw new ValidationError('give the credential with --value-stdin or --value');
      if (flags.valueStdin && flags.value !== undefined)
        throw new ValidationError('give --value-stdin or --value, not both');
      const body = flags.user === undefined ? { value } : { user: flags.user, value };
      const status = await new ApiClient(flags).put<CredentialStatus>(path(server), body);
      printData(status, flags, (s) => `credential of ${s.user} for ${s.server} set`);
      return 0;
    }, flags),
  );

  withApiOptions(
    credentials
      .command('clear')
      .description('remove your credential for SERVER')
      .argument('<server>')
      .option('--user <user>', 'clear another user’s (administrators)'),
  ).action((server: string, flags: ApiFlags & { user?: string }) =>
    run(async () => {
      await new ApiClient(flags).delete(path(server, flags.user));
      printData({ server, cleared: true }, flags, () => `credential for ${server} cleared`);
      return 0;
    }, flags),
  );

  withApiOptions(
    credentials
      .command('show')
      .description('whether a credential is set for SERVER, and when (never its value)')
      .argument('<server>')
      .option('--user <user>', 'another user’s (administrators)'),
  ).action((server: string, flags: ApiFlags & { user?: string }) =>
    run(async () => {
      const status = await new ApiClient(flags).get<CredentialStatus>(path(server, flags.user));
      printData(status, flags, (s) =>
        s.set && s.updatedAt !== undefined
          ? `${s.user} has a credential for ${s.server} (set ${new Date(s.updatedAt).toISOString()})`
          : `${s.user} has no credential for ${s.server}`,
      );
      return 0;
    }, flags),
  );
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
