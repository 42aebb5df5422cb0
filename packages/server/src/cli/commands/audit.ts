import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { AuditEntry, VerifyResult } from '@parley/audit';
import { isParleyError, serverSentData } from '@parley/core';
import { type Command, Option } from 'commander';
import { ApiClient, type ApiFlags, withApiOptions } from '../api-client.ts';
import { EXIT_FAILURE } from '../cli-error.ts';
import { printData } from '../output.ts';
import { formatEntry, formatVerify } from './audit-format.ts';

type Run = (action: () => Promise<number | undefined>, flags?: { json?: boolean }) => Promise<void>;

const PAGE = 1000;
/** Longest wait before following again after the stream ended. */
const RECONNECT_MAX_MS = 10_000;

function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** `parley audit tail|search|export|verify`. */
export function registerAuditCommands(program: Command, run: Run): void {
  const audit = program.command('audit').description('read and verify the hash-chained audit log');

  withApiOptions(
    audit
      .command('tail')
      .description('the newest audit entries, oldest first')
      .option('-n <n>', 'how many entries', '20')
      .option('-f, --follow', 'keep printing new entries until interrupted'),
  ).action((flags: ApiFlags & { n: string; follow?: boolean }) =>
    run(async () => {
      const client = new ApiClient(flags);
      const { entries } = await client.get<{ entries: AuditEntry[] }>(`/api/audit/tail${query({ n: flags.n })}`);
      const print = (batch: AuditEntry[]) => {
        for (const entry of batch) process.stdout.write(`${flags.json ? JSON.stringify(entry) : formatEntry(entry)}\n`);
      };
      if (!flags.follow) {
        printData(entries, flags, (list) => (list.length ? list.map(formatEntry).join('\n') : '(no entries)'));
        return 0;
      }
      // Following prints one JSON object per line (JSONL) with --json. New
      // entries are pushed by the server as they are committed; when the
      // stream ends (restart, token expiry, network) it resumes after the
      // last entry printed, so none is lost or printed twice.
      print(entries);
      let after = entries.at(-1)?.seq ?? 0;
      for (let attempt = 0; ; attempt++) {
        try {
          const body = await client.stream(`/api/audit/stream${query({ after })}`);
          attempt = 0;
          for await (const data of serverSentData(body)) {
            const entry = JSON.parse(data) as AuditEntry;
            print([entry]);
            after = entry.seq;
          }
        } catch (error) {
          // Refused (signed out, not an admin): following cannot succeed.
          if (isParleyError(error) && error.status >= 400 && error.status < 500) throw error;
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(RECONNECT_MAX_MS, 250 * 2 ** attempt)));
      }
    }, flags),
  );

  withApiOptions(
    audit
      .command('search')
      .description('audit entries matching every filter given, newest first')
      .option('--principal <who>', 'principal or on-behalf-of user: `alice` or `User::alice`')
      .option('--action <action>', 'action, e.g. tools/call or SendMessage')
      .addOption(new Option('--decision <effect>', 'decision').choices(['allow', 'deny', 'approval-required']))
      .option('--since <time>', 'ISO 8601 time or epoch ms (inclusive)')
      .option('--until <time>', 'ISO 8601 time or epoch ms (exclusive)')
      .option('--trace <traceId>', 'entries of one trace')
      .option('--kind <kind>', 'entry kind: hop, token-exchange, approval-decided, ...')
      .option('--limit <n>', 'at most this many entries', '100'),
  ).action(
    (
      flags: ApiFlags &
        Record<'principal' | 'action' | 'decision' | 'since' | 'until' | 'trace' | 'kind' | 'limit', string>,
    ) =>
      run(async () => {
        const path = `/api/audit/entries${query({
          principal: flags.principal,
          action: flags.action,
          decision: flags.decision,
          since: flags.since,
          until: flags.until,
          traceId: flags.trace,
          kind: flags.kind,
          limit: flags.limit,
        })}`;
        const { entries } = await new ApiClient(flags).get<{ entries: AuditEntry[] }>(path);
        printData(entries, flags, (list) => (list.length ? list.map(formatEntry).join('\n') : '(no entries)'));
        return 0;
      }, flags),
  );

  withApiOptions(
    audit
      .command('export')
      .description('every audit entry in chain order as JSONL (one entry per line)')
      .option('--out <file>', 'write to this file instead of stdout'),
  ).action((flags: ApiFlags & { out?: string }) =>
    run(async () => {
      const client = new ApiClient(flags);
      const { entries: total } = await client.get<{ entries: number }>('/api/audit/head');
      const out = flags.out ? createWriteStream(flags.out) : process.stdout;
      let after = 0;
      let written = 0;
      for (;;) {
        const page = await client.get<{ entries: AuditEntry[] }>(`/api/audit/entries${query({ after, limit: PAGE })}`);
        for (const entry of page.entries) {
          if (!out.write(`${JSON.stringify(entry)}\n`)) await once(out, 'drain');
        }
        written += page.entries.length;
        after = page.entries.at(-1)?.seq ?? after;
        if (total > PAGE) process.stderr.write(`\rexported ${written}/${total} entries`);
        if (page.entries.length < PAGE) break;
      }
      if (total > PAGE) process.stderr.write('\n');
      if (flags.out) {
        out.end();
        await once(out, 'finish');
        process.stderr.write(`wrote ${written} entries to ${flags.out}\n`);
      }
      return 0;
    }, flags),
  );

  audit
    .command('verify')
    .description('walk the hash chain in the store (works with the server down); exit 1 on a broken link')
    .addOption(
      new Option('--data-dir <dir>', 'data directory holding parley.db (default ./.parley)').env('PARLEY_DATA_DIR'),
    )
    .addOption(new Option('--database-url <url>', 'PostgreSQL store instead of SQLite').env('PARLEY_DATABASE_URL'))
    .addOption(new Option('--config <file>', 'configuration file').env('PARLEY_CONFIG'))
    .option('--json', 'print the result as JSON')
    .action((flags: { dataDir?: string; databaseUrl?: string; config?: string; json?: boolean }) =>
      run(async () => {
        const { verifyOffline } = await import('./audit-verify.ts');
        const result: VerifyResult = await verifyOffline(flags);
        printData(result, flags, formatVerify);
        return result.ok ? 0 : EXIT_FAILURE;
      }, flags),
    );
}
