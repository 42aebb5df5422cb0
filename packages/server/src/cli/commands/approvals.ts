import type { Approval } from '@parley/policy';
import type { Command } from 'commander';
import { ApiClient, type ApiFlags, withApiOptions } from '../api-client.ts';
import { printData, table } from '../output.ts';

type Run = (action: () => Promise<number | undefined>, flags?: { json?: boolean }) => Promise<void>;

const entity = (ref: { type: string; id: string } | undefined) => (ref ? `${ref.type}::"${ref.id}"` : undefined);

function rows(approvals: readonly Approval[]) {
  return approvals.map((a) => ({
    id: a.id,
    state: a.consumedAt ? `${a.state} (used)` : a.state,
    principal: entity(a.principal),
    action: a.action,
    resource: entity(a.resource),
    for: entity(a.onBehalfOf),
    expires: new Date(a.expiresAt).toISOString(),
  }));
}

/** `parley approvals list|approve ID|deny ID`. */
export function registerApprovalsCommands(program: Command, run: Run): void {
  const approvals = program.command('approvals').description('list and decide approvals of sensitive actions');

  withApiOptions(
    approvals
      .command('list')
      .description('approvals you may see, newest first')
      .option('--state <state>', 'pending, approved, denied or expired'),
  ).action((flags: ApiFlags & { state?: string }) =>
    run(async () => {
      const query = flags.state ? `?state=${encodeURIComponent(flags.state)}` : '';
      const { approvals: list } = await new ApiClient(flags).get<{ approvals: Approval[] }>(`/api/approvals${query}`);
      printData(list, flags, (data) =>
        table(rows(data), ['id', 'state', 'principal', 'action', 'resource', 'for', 'expires']),
      );
      return 0;
    }, flags),
  );

  for (const [verb, past] of [
    ['approve', 'approved'],
    ['deny', 'denied'],
  ] as const) {
    withApiOptions(
      approvals.command(verb).description(`${verb} a pending approval`).argument('<id>', 'approval id'),
    ).action((id: string, flags: ApiFlags) =>
      run(async () => {
        const approval = await new ApiClient(flags).post<Approval>(`/api/approvals/${encodeURIComponent(id)}/${verb}`);
        printData(approval, flags, (a) => `${a.id}: ${past} (${a.action} on ${entity(a.resource)})`);
        return 0;
      }, flags),
    );
  }
}
