import type { ChainHead } from './chain-lock.ts';
import { type AuditEntry, GENESIS_HASH } from './entry.ts';
import { entryHash } from './hash.ts';

/** Why a link is broken. */
export type BrokenLinkReason =
  /** The entry's content no longer matches its hash: it was edited. */
  | 'hash-mismatch'
  /** The entry does not point at the hash of the one before it: one was deleted, inserted or moved. */
  | 'link-mismatch'
  /** A sequence number is missing: an entry was deleted. */
  | 'missing-entry'
  /** The log ends before (or after) the chain head: entries at the end were deleted or appended outside the log. */
  | 'head-mismatch';

/** The outcome of walking the chain. Data, not an exception. */
export type VerifyResult =
  | { readonly ok: true; readonly entries: number; readonly headSeq: number; readonly headHash: string }
  | {
      readonly ok: false;
      readonly entries: number;
      /** The first broken link: the entry (by `seq`) where the chain stops holding. */
      readonly brokenAt: number;
      readonly reason: BrokenLinkReason;
      readonly message: string;
    };

/**
 * Walks entries in `seq` order and names the first broken link. `head` is the
 * chain head row, which catches deletion of the newest entries.
 */
export async function verifyChain(entries: AsyncIterable<AuditEntry>, head: ChainHead): Promise<VerifyResult> {
  let count = 0;
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  for await (const entry of entries) {
    const broken = (reason: BrokenLinkReason, message: string, at = entry.seq): VerifyResult => ({
      ok: false,
      entries: count,
      brokenAt: at,
      reason,
      message,
    });
    if (entry.seq !== expectedSeq) {
      return broken(
        'missing-entry',
        `entry ${expectedSeq} is missing (next present entry is ${entry.seq})`,
        expectedSeq,
      );
    }
    const { hash, ...unhashed } = entry;
    if (entryHash(unhashed) !== hash) {
      return broken('hash-mismatch', `entry ${entry.seq} was altered: its content does not match its hash`);
    }
    if (entry.prevHash !== prevHash) {
      return broken(
        'link-mismatch',
        `entry ${entry.seq} does not follow entry ${entry.seq - 1}: an entry was removed, inserted or moved here`,
      );
    }
    prevHash = hash;
    expectedSeq++;
    count++;
  }
  const lastSeq = expectedSeq - 1;
  if (head.seq !== lastSeq || head.hash !== prevHash) {
    const at = Math.min(head.seq, lastSeq) + 1;
    return {
      ok: false,
      entries: count,
      brokenAt: at,
      reason: 'head-mismatch',
      message:
        head.seq > lastSeq
          ? `entries ${lastSeq + 1}..${head.seq} are missing: the log ends at ${lastSeq} but its head is ${head.seq}`
          : `the log ends at ${lastSeq} (hash ${prevHash.slice(0, 12)}…) but its head records ${head.seq} (hash ${head.hash.slice(0, 12)}…)`,
    };
  }
  return { ok: true, entries: count, headSeq: head.seq, headHash: head.hash };
}
