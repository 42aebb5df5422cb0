import type { Command } from 'commander';
import { registerAgentsCommands } from './identity-agents.ts';
import { registerKeysCommands } from './identity-keys.ts';
import { registerUsersCommands } from './identity-users.ts';

type Run = (action: () => Promise<number | undefined>, flags?: { json?: boolean }) => Promise<void>;

/** `parley users …`, `parley agents …`, `parley keys …`. */
export function registerIdentityCommands(program: Command, run: Run): void {
  registerUsersCommands(program, run);
  registerAgentsCommands(program, run);
  registerKeysCommands(program, run);
}
