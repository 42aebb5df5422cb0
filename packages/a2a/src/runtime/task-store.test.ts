import { ManualClock } from '@parley/core';
import { testStoreBackends } from '@parley/store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Task } from '../wire/schemas/core.ts';
import { TaskState } from '../wire/task-state.ts';
import { TaskStore } from './task-store.ts';

function task(id: string, contextId = 'ctx-1', state: TaskState = TaskState.Working): Task {
  return {
    id,
    contextId,
    status: { state, timestamp: new Date(0).toISOString() },
    history: [{ messageId: `m-${id}`, role: 'ROLE_USER', parts: [{ text: id }], taskId: id, contextId }],
    artifacts: [],
  };
}

describe.each(testStoreBackends())('TaskStore on $name', (backend) => {
  let open: Awaited<ReturnType<typeof backend.open>>;
  let clock: ManualClock;
  let tasks: TaskStore;

  beforeEach(async () => {
    open = await backend.open();
    clock = new ManualClock(1_700_000_000_000);
    tasks = new TaskStore(open.store, clock);
  });
  afterEach(async () => {
    await open.dispose();
  });

  it('stores a task with its owner and sequence 1, per agent', async () => {
    const stored = await tasks.insert('echo', 'Agent::a', task('t1'));
    expect(stored.seq).toBe(1);
    expect(await tasks.get('echo', 't1')).toEqual({ task: task('t1'), owner: 'Agent::a', seq: 1 });
    expect(await tasks.get('other', 't1')).toBeUndefined();
    expect(await tasks.get('echo', 'nope')).toBeUndefined();
  });

  it('applies a change with the next sequence number; a change returning undefined leaves the task alone', async () => {
    await tasks.insert('echo', 'Agent::a', task('t1'));
    const changed = await tasks.update('echo', 't1', (current) => ({
      ...current,
      status: { ...current.status, state: TaskState.Completed },
    }));
    expect(changed?.seq).toBe(2);
    expect((await tasks.get('echo', 't1'))?.task.status.state).toBe(TaskState.Completed);
    expect(await tasks.update('echo', 't1', () => undefined)).toBeUndefined();
    expect((await tasks.get('echo', 't1'))?.seq).toBe(2);
    expect(await tasks.update('echo', 'missing', (current) => current)).toBeUndefined();
  });

  it('loses no update when writers race (compare-and-set on the sequence)', async () => {
    await tasks.insert('echo', 'Agent::a', task('t1'));
    const writers = 8;
    const results = await Promise.all(
      Array.from({ length: writers }, (_, i) =>
        tasks.update('echo', 't1', (current) => ({
          ...current,
          artifacts: [...(current.artifacts ?? []), { artifactId: `a${i}`, parts: [{ text: String(i) }] }],
        })),
      ),
    );
    const stored = await tasks.get('echo', 't1');
    expect(stored?.seq).toBe(1 + writers);
    expect(stored?.task.artifacts?.map((a) => a.artifactId).sort()).toEqual(
      Array.from({ length: writers }, (_, i) => `a${i}`).sort(),
    );
    // Every writer got a distinct sequence number.
    expect(new Set(results.map((result) => result?.seq)).size).toBe(writers);
  });

  it("lists only the owner's tasks, most recently updated first, filtered and paged", async () => {
    await tasks.insert('echo', 'Agent::a', task('t1', 'ctx-1'));
    clock.advance(1000);
    await tasks.insert('echo', 'Agent::a', task('t2', 'ctx-2', TaskState.InputRequired));
    clock.advance(1000);
    await tasks.insert('echo', 'Agent::a', task('t3', 'ctx-1'));
    await tasks.insert('echo', 'Agent::b', task('t4', 'ctx-1'));
    await tasks.insert('other', 'Agent::a', task('t5', 'ctx-1'));
    clock.advance(1000);
    await tasks.update('echo', 't1', (current) => current);

    const all = await tasks.list('echo', 'Agent::a', { pageSize: 10, offset: 0 });
    expect(all.total).toBe(3);
    expect(all.tasks.map((t) => t.id)).toEqual(['t1', 't3', 't2']);

    const byContext = await tasks.list('echo', 'Agent::a', { contextId: 'ctx-1', pageSize: 10, offset: 0 });
    expect(byContext.tasks.map((t) => t.id)).toEqual(['t1', 't3']);
    const byState = await tasks.list('echo', 'Agent::a', {
      state: TaskState.InputRequired,
      pageSize: 10,
      offset: 0,
    });
    expect(byState.tasks.map((t) => t.id)).toEqual(['t2']);
    const recent = await tasks.list('echo', 'Agent::a', {
      updatedAfter: 1_700_000_000_000 + 1500,
      pageSize: 10,
      offset: 0,
    });
    expect(recent.tasks.map((t) => t.id)).toEqual(['t1', 't3']);

    const page1 = await tasks.list('echo', 'Agent::a', { pageSize: 2, offset: 0 });
    const page2 = await tasks.list('echo', 'Agent::a', { pageSize: 2, offset: 2 });
    expect([...page1.tasks, ...page2.tasks].map((t) => t.id)).toEqual(['t1', 't3', 't2']);
    expect(page2.total).toBe(3);

    expect((await tasks.list('echo', 'Agent::b', { pageSize: 10, offset: 0 })).tasks.map((t) => t.id)).toEqual(['t4']);
  });
});
