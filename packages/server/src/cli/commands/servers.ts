import { ValidationError } from '@parley/core';
import type { ServerInfo } from '@parley/mcp';
import type { Command } from 'commander';
import { ApiClient, type ApiFlags, withApiOptions } from '../api-client.ts';
import { printData, table } from '../output.ts';
import { registerServerCredentialsCommands } from './servers-credentials.ts';

type Run = (action: () => Promise<number | undefined>, flags?: { json?: boolean }) => Promise<void>;

interface AddFlags extends ApiFlags {
  url?: string;
  server?: string;
  prefix?: string;
  env?: string[];
  authStaticEnv?: string;
  tokenExchange?: boolean;
}

/** `parley servers add|list|remove|credentials`: the upstream MCP servers the gateway federates. */
export function registerServersCommands(program: Command, run: Run): void {
  const servers = program.command('servers').description('upstream MCP servers behind the gateway');

  withApiOptions(servers.command('list').description('upstream servers, their transport and status')).action(
    (flags: ApiFlags) =>
      run(async () => {
        const { servers: list } = await new ApiClient(flags).get<{ servers: ServerInfo[] }>('/api/mcp/servers');
        printData(list, flags, (data) =>
          table(data as unknown as Array<Record<string, unknown>>, [
            'name',
            'transport',
            'status',
            'tools',
            'source',
            'target',
          ]),
        );
        return 0;
      }, flags),
  );

  withApiOptions(
    servers
      .command('add')
      .description(
        'add an upstream: `add NAME --server-url URL` (Streamable HTTP) or `add NAME -- COMMAND ARGS...` (stdio)',
      )
      .argument('<name>', 'the server name; its tools become <name>.<tool>')
      .argument('[command...]', 'for stdio: the command and its arguments')
      .option('--server-url <url>', 'Streamable HTTP endpoint of the upstream')
      .option('--prefix <prefix>', 'tool name prefix (default "<name>.")')
      .option('--env <NAME=VALUE...>', 'environment of a stdio upstream (nothing else is inherited but PATH)')
      .option('--auth-static-env <VAR>', 'send the value of environment variable VAR as the Authorization header')
      .option('--token-exchange', 'send a token exchanged for the upstream audience (Parley-aware upstreams)'),
  ).action((name: string, command: string[], flags: AddFlags & { serverUrl?: string }) =>
    run(async () => {
      const definition = buildDefinition(name, command, flags);
      const { server } = await new ApiClient(flags).post<{ server: ServerInfo }>('/api/mcp/servers', definition);
      printData(server, flags, (s) => `added ${s.name} (${s.transport}, ${s.status}, ${s.tools} tools)`);
      return 0;
    }, flags),
  );

  withApiOptions(
    servers.command('remove').description('remove an upstream added with `servers add`').argument('<name>'),
  ).action((name: string, flags: ApiFlags) =>
    run(async () => {
      await new ApiClient(flags).delete(`/api/mcp/servers/${encodeURIComponent(name)}`);
      printData({ removed: name }, flags, () => `removed ${name}`);
      return 0;
    }, flags),
  );
  registerServerCredentialsCommands(servers, run);
}

function buildDefinition(
  name: string,
  command: string[],
  flags: AddFlags & { serverUrl?: string },
): Record<string, unknown> {
  const prefix = flags.prefix === undefined ? {} : { prefix: flags.prefix };
  if (flags.serverUrl) {
    const auth = flags.tokenExchange
      ? { type: 'token-exchange' }
      : flags.authStaticEnv
        ? { type: 'static', header: 'authorization', valueEnv: flags.authStaticEnv }
        : { type: 'none' };
    return { name, url: flags.serverUrl, auth, ...prefix };
  }
  const [cmd, ...args] = command;
  if (!cmd) throw new ValidationError('give --server-url URL, or the command of a stdio server after --');
  const env = Object.fromEntries(
    (flags.env ?? []).map((pair) => {
      const at = pair.indexOf('=');
      if (at <= 0) throw new ValidationError(`--env ${pair}: write NAME=VALUE`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
  return { name, command: cmd, args, env, ...prefix };
}
