import type { QuarantinedTool, ToolInfo } from '@parley/mcp';
import type { Command } from 'commander';
import { ApiClient, type ApiFlags, withApiOptions } from '../api-client.ts';
import { printData, table } from '../output.ts';

type Run = (action: () => Promise<number | undefined>, flags?: { json?: boolean }) => Promise<void>;

function renderDiff(changes: readonly QuarantinedTool[]): string {
  if (changes.length === 0) return '(no quarantined tools)';
  return changes
    .map((c) =>
      [
        `${c.server}.${c.tool}  changed ${new Date(c.changedAt).toISOString()}`,
        ...c.diff.flatMap((d) => [
          `  ${d.field}:`,
          `    - ${JSON.stringify(d.pinned)}`,
          `    + ${JSON.stringify(d.changed)}`,
        ]),
      ].join('\n'),
    )
    .join('\n\n');
}

/** `parley tools list [--quarantined]` and `parley tools accept <server>.<tool>`: tool-definition pins. */
export function registerToolsCommands(program: Command, run: Run): void {
  const tools = program.command('tools').description('pinned tool definitions of the upstream MCP servers');

  withApiOptions(
    tools
      .command('list')
      .description('pinned tools; with --quarantined, changed definitions and their diff')
      .option('--quarantined', 'only quarantined changes'),
  ).action((flags: ApiFlags & { quarantined?: boolean }) =>
    run(async () => {
      const client = new ApiClient(flags);
      if (flags.quarantined) {
        const { quarantined } = await client.get<{ quarantined: QuarantinedTool[] }>('/api/mcp/tools?quarantined=true');
        printData(quarantined, flags, renderDiff);
      } else {
        const { tools: list } = await client.get<{ tools: ToolInfo[] }>('/api/mcp/tools');
        printData(list, flags, (data) =>
          table(
            data.map((t) => ({
              name: t.name,
              state: t.quarantined ? 'QUARANTINED' : 'pinned',
              digest: t.digest.slice(0, 16),
            })),
            ['name', 'state', 'digest'],
          ),
        );
      }
      return 0;
    }, flags),
  );

  withApiOptions(
    tools
      .command('accept')
      .description('accept the changed definition of a quarantined tool')
      .argument('<tool>', '<server>.<tool>'),
  ).action((name: string, flags: ApiFlags) =>
    run(async () => {
      const { accepted } = await new ApiClient(flags).post<{ accepted: { name: string; digest: string } }>(
        `/api/mcp/tools/${encodeURIComponent(name)}/accept`,
      );
      printData(accepted, flags, (a) => `accepted ${a.name} (pin ${a.digest.slice(0, 16)})`);
      return 0;
    }, flags),
  );
}
