import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.ts';

/** A commit function that holds each batch until released, recording the batches. */
function heldCommits() {
  const batches: number[][] = [];
  const release: Array<(fail?: Error) => void> = [];
  const commit = (items: readonly number[]) => {
    batches.push([...items]);
    return new Promise<number[]>((resolve, reject) => {
      release.push((fail) => (fail ? reject(fail) : resolve(items.map((i) => i * 10))));
    });
  };
  return { batches, release, commit };
}

describe('GroupCommit', () => {
  it('commits a lone item at once, without waiting for a later turn of the event loop', () => {
    const held = heldCommits();
    const group = new GroupCommit(held.commit);
    void group.submit(1);
    expect(held.batches).toEqual([[1]]);
  });

  it('sends the items submitted during a commit together in the next one, each resolving with its own result', async () => {
    const held = heldCommits();
    const group = new GroupCommit(held.commit);
    const first = group.submit(1);
    const rest = [2, 3, 4].map((i) => group.submit(i));
    expect(held.batches).toEqual([[1]]);

    held.release[0]?.();
    expect(await first).toBe(10);
    await new Promise((resolve) => setImmediate(resolve));
    expect(held.batches).toEqual([[1], [2, 3, 4]]);
    held.release[1]?.();
    expect(await Promise.all(rest)).toEqual([20, 30, 40]);
  });

  it('fails only the batch whose commit failed, and commits the next', async () => {
    const held = heldCommits();
    const group = new GroupCommit(held.commit, { maxBatch: 2 });
    const first = group.submit(1);
    const [second, third, fourth] = [2, 3, 4].map((i) => group.submit(i));

    held.release[0]?.(new Error('disk full'));
    await expect(first).rejects.toThrow('disk full');
    await new Promise((resolve) => setImmediate(resolve));
    expect(held.batches).toEqual([[1], [2, 3]]);
    held.release[1]?.();
    await new Promise((resolve) => setImmediate(resolve));
    held.release[2]?.();
    expect(await Promise.all([second, third, fourth])).toEqual([20, 30, 40]);
    expect(held.batches).toEqual([[1], [2, 3], [4]]);
  });

  it('refuses items once closed, after committing the queued ones', async () => {
    const held = heldCommits();
    const group = new GroupCommit(held.commit);
    const queued = group.submit(1);
    const closed = group.close();
    await expect(group.submit(2)).rejects.toMatchObject({ code: 'ERR_AUDIT_CLOSED' });
    held.release[0]?.();
    await closed;
    expect(await queued).toBe(10);
  });
});
