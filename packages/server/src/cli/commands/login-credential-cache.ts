import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

/** What `parley login` keeps for one server: enough to get a fresh access token without the user. */
export interface CachedSignIn {
  readonly clientId: string;
  readonly refreshToken: string;
  readonly username: string | undefined;
  readonly savedAt: string;
}

const cacheSchema = z.object({
  servers: z.record(
    z.string(),
    z.object({
      clientId: z.string(),
      refreshToken: z.string(),
      username: z.string().optional(),
      savedAt: z.string(),
    }),
  ),
});

/**
 * `credentials.json` in the user's config directory (`$XDG_CONFIG_HOME/parley`,
 * else `~/.config/parley`): one refresh token per server URL, mode 0600.
 * Refresh tokens rotate, so every refresh is written back at once.
 */
export class CredentialCache {
  readonly path: string;

  constructor(directory: string = defaultConfigDir()) {
    this.path = join(directory, 'credentials.json');
  }

  get(url: string): CachedSignIn | undefined {
    const entry = this.#read().servers[url];
    return entry ? { ...entry, username: entry.username } : undefined;
  }

  set(url: string, signIn: Omit<CachedSignIn, 'savedAt'>): void {
    const cache = this.#read();
    cache.servers[url] = {
      clientId: signIn.clientId,
      refreshToken: signIn.refreshToken,
      ...(signIn.username ? { username: signIn.username } : {}),
      savedAt: new Date().toISOString(),
    };
    this.#write(cache);
  }

  /** Forgets the server's sign-in; returns what was forgotten. */
  delete(url: string): CachedSignIn | undefined {
    const cache = this.#read();
    const entry = cache.servers[url];
    if (!entry) return undefined;
    delete cache.servers[url];
    this.#write(cache);
    return { ...entry, username: entry.username };
  }

  #read(): z.infer<typeof cacheSchema> {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch {
      return { servers: {} };
    }
    try {
      return cacheSchema.parse(JSON.parse(text));
    } catch {
      // A damaged cache is worth no more than an empty one: the user signs in again.
      return { servers: {} };
    }
  }

  #write(cache: z.infer<typeof cacheSchema>): void {
    const directory = join(this.path, '..');
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    const temporary = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(cache, null, 2)}\n`, { mode: 0o600 });
    chmodSync(temporary, 0o600);
    renameSync(temporary, this.path);
  }
}

function defaultConfigDir(): string {
  const xdg = process.env.XDG_CONFIG_HOME;
  return join(xdg?.startsWith('/') ? xdg : join(homedir(), '.config'), 'parley');
}
