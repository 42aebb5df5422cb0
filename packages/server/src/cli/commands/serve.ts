import { type Command, Option } from 'commander';
import type { ServerFlags } from '../run-server.ts';

// The mesh is loaded only when a server starts: `parley --help` and the client
// commands stay quick.
const runServer = async (...args: Parameters<typeof import('../run-server.ts').runServer>) =>
  (await import('../run-server.ts')).runServer(...args);

function serverOptions(command: Command): Command {
  return command
    .addOption(new Option('--port <n>', 'port to listen on (default 7070)').env('PARLEY_PORT'))
    .addOption(new Option('--host <host>', 'address to bind (default 127.0.0.1)').env('PARLEY_HOST'))
    .addOption(new Option('--data-dir <dir>', 'where state is kept (default ./.parley)').env('PARLEY_DATA_DIR'))
    .option('--json', 'print the start-up banner as one JSON line');
}

/** `parley dev` and `parley start`. */
export function registerServeCommands(
  program: Command,
  run: (action: () => Promise<number | undefined>, flags?: { json?: boolean }) => Promise<void>,
): void {
  serverOptions(
    program
      .command('dev')
      .description('run the whole mesh with its demo content (what `npm start` runs)')
      .option('--config <file>', 'configuration file (optional)'),
  ).action((flags: ServerFlags) => run(() => runServer('dev', flags), flags));

  serverOptions(
    program
      .command('start')
      .description('run Parley for production: nothing is seeded')
      .addOption(new Option('--config <file>', 'configuration file (parley.yaml)').env('PARLEY_CONFIG')),
  ).action((flags: ServerFlags) => run(() => runServer('start', flags), flags));
}
