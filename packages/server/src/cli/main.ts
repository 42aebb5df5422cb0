import { Command, CommanderError } from 'commander';
import { EXIT_USAGE, reportCliError } from './cli-error.ts';
import { registerAgentsRegisterCommand } from './commands/agents-register.ts';
import { registerApprovalsCommands } from './commands/approvals.ts';
import { registerAskCommand } from './commands/ask.ts';
import { registerAuditCommands } from './commands/audit.ts';
import { registerConfigCommands } from './commands/config.ts';
import { registerIdentityCommands } from './commands/identity.ts';
import { registerLoginCommands } from './commands/login.ts';
import { registerPolicyCommands } from './commands/policy.ts';
import { registerServeCommands } from './commands/serve.ts';
import { registerServersCommands } from './commands/servers.ts';
import { registerToolsCommands } from './commands/tools.ts';
import { registerTracesCommands } from './commands/traces.ts';

/** Runs one command's action and turns its outcome into an exit code. */
async function run(action: () => Promise<number | undefined>, flags: { json?: boolean } = {}): Promise<void> {
  try {
    const code = await action();
    if (code !== undefined) process.exitCode = code;
  } catch (error) {
    process.exitCode = reportCliError(error, flags);
  }
}

/** The `parley` program. */
export function createProgram(): Command {
  const program = new Command('parley')
    .description('Parley: an identity-aware mesh for AI agents (MCP + A2A)')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  registerServeCommands(program, run);
  registerConfigCommands(program, run);
  registerServersCommands(program, run);
  registerToolsCommands(program, run);
  registerIdentityCommands(program, run);
  registerAgentsRegisterCommand(program, run);
  registerAuditCommands(program, run);
  registerPolicyCommands(program, run);
  registerApprovalsCommands(program, run);
  registerTracesCommands(program, run);
  registerAskCommand(program, run);
  registerLoginCommands(program, run);
  return program;
}

export async function main(argv: readonly string[]): Promise<void> {
  try {
    await createProgram().parseAsync(argv as string[], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version "fail" with exit code 0.
      process.exitCode = error.exitCode === 0 ? 0 : EXIT_USAGE;
      return;
    }
    process.exitCode = reportCliError(error);
  }
}
