import type { Command } from 'commander';
import { printData } from '../output.ts';

/** `parley config check FILE`: validates without starting. */
export function registerConfigCommands(
  program: Command,
  run: (action: () => Promise<number | undefined>, flags?: { json?: boolean }) => Promise<void>,
): void {
  const config = program.command('config').description('work with configuration files');
  config
    .command('check')
    .description('validate a configuration file (with environment overrides) without starting')
    .argument('<file>', 'the YAML file')
    .option('--json', 'print the result as JSON')
    .action((file: string, flags: { json?: boolean }) =>
      run(async () => {
        const { loadConfig } = await import('@parley/config');
        loadConfig({ file, env: process.env });
        printData({ ok: true, file }, flags, () => `${file}: valid`);
        return 0;
      }, flags),
    );
}
