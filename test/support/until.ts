import { setTimeout as sleep } from 'node:timers/promises';

/** Polls `check` every 100 ms until it holds; fails, naming `what`, after 10 s. */
export async function until(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`never: ${what}`);
}
