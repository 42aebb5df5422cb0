import { canonicalDigest, canonicalJson, sha256Hex } from '@parley/core';
import type { ChainHead } from './chain-lock.ts';
import type { AuditEntry } from './entry.ts';
import type { UnchainedEntry } from './normalize.ts';

/** An entry without its own hash: what the hash covers. */
export type UnhashedEntry = Omit<AuditEntry, 'hash'>;

/**
 * SHA-256 over the RFC 8785 canonical entry, `seq` and `prevHash` included, so
 * editing, deleting, reordering or inserting an entry breaks the chain.
 * @see https://www.rfc-editor.org/rfc/rfc8785
 */
export function entryHash(entry: UnhashedEntry): string {
  return sha256Hex(canonicalJson(entry));
}

/** Links a batch onto the chain after `head`: each entry gets the next `seq`, the previous hash and its own. */
export function chainEntries(
  batch: readonly UnchainedEntry[],
  head: ChainHead,
): { entries: AuditEntry[]; head: ChainHead } {
  let { seq, hash: prevHash } = head;
  const entries = batch.map((entry) => {
    seq++;
    const unhashed = { ...entry, seq, prevHash };
    const hash = entryHash(unhashed);
    prevHash = hash;
    return { ...unhashed, hash };
  });
  return { entries, head: { seq, hash: prevHash } };
}

/** The digest stored in place of arguments; undefined when there are none. */
export function digestArguments(args: Readonly<Record<string, unknown>> | undefined): string | undefined {
  if (args === undefined) return undefined;
  try {
    return canonicalDigest(args);
  } catch {
    // Not JSON (a bigint, a cycle): still bind something stable, never the raw value.
    return sha256Hex(String(Object.keys(args).sort()));
  }
}
