import { ValidationError } from '@parley/core';
import type { Command } from 'commander';
import { ApiClient, type ApiFlags, withApiOptions } from '../api-client.ts';
import { printData, table } from '../output.ts';

type Run = (action: () => Promise<number | undefined>, flags?: { json?: boolean }) => Promise<void>;

interface KeyRow {
  id: string;
  principal: string;
  scopes: string[];
  resources: string[];
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  key?: string;
}

/** `parley keys create|list|revoke|rotate`. */
export function registerKeysCommands(program: Command, run: Run): void {
  const keys = program.command('keys').description('manage API keys and the signing keys');

  withApiOptions(
    keys
      .command('create')
      .description('create an API key; prints it once (only a hash is stored)')
      .requiredOption('--principal <name>', 'the user or agent the key acts as')
      .option('--scopes <scopes>', 'space-separated scopes', '')
      .option('--expires <duration>', 'lifetime, e.g. 30d (default: no expiry)')
      .option('--resource <url...>', 'resources the key is bound to (default: every resource)'),
  ).action((flags: ApiFlags & { principal: string; scopes: string; expires?: string; resource?: string[] }) =>
    run(async () => {
      const { parseDuration } = await import('@parley/config');
      if (flags.expires !== undefined && parseDuration(flags.expires) === undefined) {
        throw new ValidationError(`--expires ${flags.expires} is not a duration such as 30s, 5m, 12h or 30d`);
      }
      const created = await new ApiClient(flags).post<KeyRow>('/admin/keys', {
        principal: flags.principal,
        scopes: flags.scopes.split(/\s+/).filter((s) => s.length > 0),
        resources: flags.resource ?? [],
        ...(flags.expires ? { expires: flags.expires } : {}),
      });
      printData(created, flags, (k) => `${k.key ?? ''}\n(id ${k.id}; shown once, store it now)`);
      return 0;
    }, flags),
  );

  withApiOptions(keys.command('list').description('list API keys (never the secrets)')).action((flags: ApiFlags) =>
    run(async () => {
      const { keys: rows } = await new ApiClient(flags).get<{ keys: KeyRow[] }>('/admin/keys');
      printData(rows, flags, (r) =>
        table(r as unknown as Record<string, unknown>[], [
          'id',
          'principal',
          'scopes',
          'expiresAt',
          'revokedAt',
          'lastUsedAt',
        ]),
      );
      return 0;
    }, flags),
  );

  withApiOptions(keys.command('revoke').description('revoke an API key at once').argument('<id>')).action(
    (id: string, flags: ApiFlags) =>
      run(async () => {
        const revoked = await new ApiClient(flags).post<KeyRow>(`/admin/keys/${encodeURIComponent(id)}/revoke`);
        printData(revoked, flags, (k) => `revoked key ${k.id}`);
        return 0;
      }, flags),
  );

  withApiOptions(
    keys
      .command('rotate')
      .description('rotate the token signing key (the previous one verifies until its tokens expire)'),
  ).action((flags: ApiFlags) =>
    run(async () => {
      const rotated = await new ApiClient(flags).post<{ kid: string; retired: string[] }>('/admin/signing-keys/rotate');
      printData(rotated, flags, (r) => `signing key ${r.kid} is active; retired ${r.retired.join(', ') || 'none'}`);
      return 0;
    }, flags),
  );
}
