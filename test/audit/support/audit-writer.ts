// Records audit entries from 8 concurrent writers and prints `ack <id>` after
// each record() resolves; the crash test kills it with SIGKILL mid-burst.
import { AuditLog } from '@parley/audit';
import { Store } from '@parley/store';

const [url, schema] = process.argv.slice(2);
const store = await Store.open({ url, schema: schema || undefined });
const log = new AuditLog({ store });
process.stdout.write('ready\n');
let next = 0;
async function writer(): Promise<void> {
  while (next < 1_000_000) {
    const i = next++;
    const receipt = await log.record({
      kind: 'hop',
      principal: 'User::alice',
      action: 'tools/call',
      resource: `Tool::calendar.slot${i}`,
      outcome: 'ok',
      arguments: { i },
    });
    process.stdout.write(`ack ${receipt.id}\n`);
  }
}
await Promise.all(Array.from({ length: 8 }, () => writer()));
