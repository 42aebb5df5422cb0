import { describe, expect, it } from 'vitest';
import { OfflinePlanner } from '../offline/offline-planner.ts';
import { DEMO_AGENTS } from '../testing/demo-agents.ts';
import type { ProgressEvent } from './progress-event.ts';
import { progressFromMetadata, progressMetadata } from './progress-wire.ts';

describe('progress events over A2A metadata', () => {
  it('round-trips every event the orchestrator emits', async () => {
    const plan = await new OfflinePlanner().plan({ request: 'book a room, then email it', agents: DEMO_AGENTS });
    const events: ProgressEvent[] = [
      { askId: 'a', at: 1, type: 'plan-created', plan },
      {
        askId: 'a',
        at: 2,
        type: 'approval-required',
        subtaskId: 's1',
        agent: 'facilities',
        approval: { url: 'http://x/a' },
      },
      { askId: 'a', at: 3, type: 'subtask-status', subtaskId: 's1', agent: 'facilities', state: 'TASK_STATE_WORKING' },
    ];
    for (const event of events) expect(progressFromMetadata(progressMetadata(event))).toEqual(event);
  });

  it('ignores metadata without a valid event', () => {
    expect(progressFromMetadata({})).toBeUndefined();
    expect(
      progressFromMetadata({ 'https://parley.dev/a2a/orchestrator-progress': { type: 'plan-created' } }),
    ).toBeUndefined();
  });
});
