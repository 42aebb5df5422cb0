import { readFileSync } from 'node:fs';

/** A small secret file's trimmed content, or undefined when it is missing or empty. */
export function readSecretFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
