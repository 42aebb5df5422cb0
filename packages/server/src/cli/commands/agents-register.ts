import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ApiClient, type ApiFlags, withApiOptions } from '../api-client.ts';
import { printData, table } from '../output.ts';
import { agentsCommand } from './identity-agents.ts';

type Run = (action: () => Promise<number | undefined>, flags?: { json?: boolean }) => Promise<void>;

interface RegisteredAgent {
  name: string;
  url: string;
  status: string;
  heldReason?: string;
  keySource: string;
  skills: string[];
  proxyUrl?: string;
}

/**
 * `parley agents register URL [--name N] [--jwks FILE] [--replace]`, `parley agents remote`,
 * `parley agents accept NAME`, `parley agents refresh NAME`: the A2A registry.
 */
export function registerAgentsRegisterCommand(program: Command, run: Run): void {
  const agents = agentsCommand(program);
  withApiOptions(
    agents
      .command('register')
      .description('register a remote A2A agent: fetch its card, verify the signature, pin its key, record its skills')
      .argument('<url>', "the agent's base URL (or its card URL)")
      .option('--name <name>', 'name in the mesh (default: from the card)')
      .option('--jwks <file>', "a JWKS file with the agent's keys (default: trust the key its card names on first use)")
      .option('--replace', 're-register an existing name; the new card and keys are held until `agents accept`'),
  ).action((url: string, flags: ApiFlags & { name?: string; jwks?: string; replace?: boolean }) =>
    run(async () => {
      const body: Record<string, unknown> = { url };
      if (flags.name) body.name = flags.name;
      if (flags.jwks) body.jwks = JSON.parse(readFileSync(flags.jwks, 'utf8')) as unknown;
      if (flags.replace) body.replace = true;
      const agent = await new ApiClient(flags).post<RegisteredAgent>('/api/a2a/agents', body);
      printData(agent, flags, (a) =>
        a.status === 'held'
          ? `${a.name} held until \`parley agents accept ${a.name}\` (${a.heldReason ?? 'replaced'})`
          : `registered ${a.name} (${a.skills.join(', ')}) at ${a.proxyUrl ?? a.url}`,
      );
      return 0;
    }, flags),
  );
  withApiOptions(agents.command('remote').description('list registered remote A2A agents')).action((flags: ApiFlags) =>
    run(async () => {
      const { agents: rows } = await new ApiClient(flags).get<{ agents: RegisteredAgent[] }>('/api/a2a/agents');
      printData(rows, flags, (list) =>
        table(list as unknown as Record<string, unknown>[], ['name', 'status', 'url', 'skills', 'heldReason']),
      );
      return 0;
    }, flags),
  );
  for (const [verb, description] of [
    ['accept', 'accept the changed card (or key) of a held remote agent'],
    ['refresh', "re-fetch a remote agent's card now"],
  ] as const) {
    withApiOptions(agents.command(verb).description(description).argument('<name>', 'the agent')).action(
      (name: string, flags: ApiFlags) =>
        run(async () => {
          const agent = await new ApiClient(flags).post<RegisteredAgent>(
            `/api/a2a/agents/${encodeURIComponent(name)}/${verb}`,
          );
          printData(agent, flags, (a) => `${a.name}: ${a.status}${a.heldReason ? ` (${a.heldReason})` : ''}`);
          return 0;
        }, flags),
    );
  }
}
