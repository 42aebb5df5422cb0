// Writes rows as fast as it can and prints `ack <key>` after each commit
// returns; the crash test kills it with SIGKILL mid-burst.
import { Store } from '../store.ts';

const [url, schema] = process.argv.slice(2);
const store = await Store.open({ url, schema: schema || undefined });
process.stdout.write('ready\n');
for (let i = 0; i < 1_000_000; i++) {
  const key = `burst:${i}`;
  await store.setMeta(key, `value-${i}`);
  process.stdout.write(`ack ${key}\n`);
}
