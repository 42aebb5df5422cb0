import { fileURLToPath } from 'node:url';

/** The OAuth client id the console signs in as (a public client: code + PKCE, no secret). */
export const CONSOLE_CLIENT_ID = 'parley-console';

/** The path the console is served under. */
export const CONSOLE_PATH = '/console';

/** Where `npm run build -w @parley/console` writes the single-page app. */
export const consoleDistDir: string = fileURLToPath(new URL('../dist/', import.meta.url));
