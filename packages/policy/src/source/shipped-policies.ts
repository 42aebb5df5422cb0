import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PolicySource } from './compile.ts';

/** Where the policies shipped in this package live, for messages and `parley policy check`. */
export const builtinPolicyFile: string = fileURLToPath(new URL('../policies/builtin.cedar', import.meta.url));
export const demoPolicyDir: string = fileURLToPath(new URL('../demo/', import.meta.url));

/** The built-in policies (administrators administer; a user decides their own approvals), always in force. */
export function builtinPolicies(): PolicySource[] {
  return [{ name: 'builtin.cedar', text: readFileSync(builtinPolicyFile, 'utf8') }];
}

/** The demo mesh's policies, loaded by `parley dev`. */
export function demoPolicies(): PolicySource[] {
  return readdirSync(demoPolicyDir)
    .filter((file) => file.endsWith('.cedar'))
    .sort()
    .map((file) => ({ name: `demo/${file}`, text: readFileSync(new URL(`../demo/${file}`, import.meta.url), 'utf8') }));
}
