import type { Command } from 'commander';
import { ApiClient, type ApiFlags, withApiOptions } from '../api-client.ts';
import { printData, table } from '../output.ts';

type Run = (action: () => Promise<number | undefined>, flags?: { json?: boolean }) => Promise<void>;

/**
 * The `parley agents` command, created on first use, so other files can add
 * sibling subcommands (`agents register URL`) in any order.
 */
export function agentsCommand(program: Command): Command {
  return (
    program.commands.find((command) => command.name() === 'agents') ??
    program.command('agents').description('manage agents (OAuth clients with their own identity)')
  );
}

interface AgentRow {
  name: string;
  roles: string[];
  clientId: string | null;
  disabled: boolean;
  createdAt: string;
}

/** `parley agents create NAME|list|disable NAME`. */
export function registerAgentsCommands(program: Command, run: Run): void {
  const agents = agentsCommand(program);

  withApiOptions(
    agents
      .command('create')
      .description('create an agent; prints its client_id and its private key (or client secret) once')
      .argument('<name>', 'the agent name (also its client_id)')
      .option('--secret', 'authenticate with a client secret instead of a generated key pair')
      .option('--role <role...>', 'roles'),
  ).action((name: string, flags: ApiFlags & { secret?: boolean; role?: string[] }) =>
    run(async () => {
      const agent = await new ApiClient(flags).post<{
        name: string;
        clientId: string;
        clientSecret: string | null;
        publicJwk: unknown;
        privateJwk: unknown;
      }>('/admin/agents', {
        name,
        authMethod: flags.secret ? 'client_secret_basic' : 'private_key_jwt',
        roles: flags.role ?? [],
      });
      printData(agent, flags, (a) =>
        [
          `created agent ${a.name}`,
          `client_id:     ${a.clientId}`,
          ...(a.clientSecret ? [`client_secret: ${a.clientSecret}`] : []),
          ...(a.publicJwk ? [`public key:    ${JSON.stringify(a.publicJwk)}`] : []),
          ...(a.privateJwk ? [`private key:   ${JSON.stringify(a.privateJwk)}`, '(shown once; keep it secret)'] : []),
        ].join('\n'),
      );
      return 0;
    }, flags),
  );

  withApiOptions(agents.command('list').description('list agents')).action((flags: ApiFlags) =>
    run(async () => {
      const { agents: rows } = await new ApiClient(flags).get<{ agents: AgentRow[] }>('/admin/agents');
      printData(rows, flags, (r) =>
        table(r as unknown as Record<string, unknown>[], ['name', 'clientId', 'roles', 'disabled', 'createdAt']),
      );
      return 0;
    }, flags),
  );

  withApiOptions(
    agents
      .command('disable')
      .description('disable an agent: its tokens fail and it gets no new ones')
      .argument('<name>'),
  ).action((name: string, flags: ApiFlags) =>
    run(async () => {
      const agent = await new ApiClient(flags).post<AgentRow>(`/admin/agents/${encodeURIComponent(name)}/disable`);
      printData(agent, flags, (a) => `disabled agent ${a.name}`);
      return 0;
    }, flags),
  );
}
