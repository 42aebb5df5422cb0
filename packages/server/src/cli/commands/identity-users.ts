import type { Command } from 'commander';
import { ApiClient, type ApiFlags, withApiOptions } from '../api-client.ts';
import { printData, table } from '../output.ts';

type Run = (action: () => Promise<number | undefined>, flags?: { json?: boolean }) => Promise<void>;

interface UserRow {
  name: string;
  roles: string[];
  disabled: boolean;
  createdAt: string;
  password?: string;
}

/** `parley users create|list|disable`. */
export function registerUsersCommands(program: Command, run: Run): void {
  const users = program.command('users').description('manage users (sign in with a password, act through agents)');

  withApiOptions(
    users
      .command('create')
      .description('create a user; prints its password once')
      .argument('<username>', 'the user name')
      .option('--password <password>', 'the password (default: a generated one)')
      .option('--role <role...>', 'roles, e.g. admin'),
  ).action((username: string, flags: ApiFlags & { password?: string; role?: string[] }) =>
    run(async () => {
      const user = await new ApiClient(flags).post<UserRow>('/admin/users', {
        username,
        ...(flags.password ? { password: flags.password } : {}),
        roles: flags.role ?? [],
      });
      printData(user, flags, (u) => `created user ${u.name}\npassword: ${u.password ?? ''}`);
      return 0;
    }, flags),
  );

  withApiOptions(users.command('list').description('list users')).action((flags: ApiFlags) =>
    run(async () => {
      const { users: rows } = await new ApiClient(flags).get<{ users: UserRow[] }>('/admin/users');
      printData(rows, flags, (r) =>
        table(r as unknown as Record<string, unknown>[], ['name', 'roles', 'disabled', 'createdAt']),
      );
      return 0;
    }, flags),
  );

  withApiOptions(
    users.command('disable').description('disable a user: its tokens and keys fail at once').argument('<username>'),
  ).action((username: string, flags: ApiFlags) =>
    run(async () => {
      const user = await new ApiClient(flags).post<UserRow>(`/admin/users/${encodeURIComponent(username)}/disable`);
      printData(user, flags, (u) => `disabled user ${u.name}`);
      return 0;
    }, flags),
  );
}
