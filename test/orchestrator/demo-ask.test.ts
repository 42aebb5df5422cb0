import {
  OfflinePlanner,
  Orchestrator,
  type ProgressEvent,
  plannerFromConfig,
  staticAgentDirectory,
} from '@parley/orchestrator';
import { type AgentScript, completesWith, DEMO_AGENTS, ScriptedRunner } from '@parley/orchestrator/testing';
import { describe, expect, it } from 'vitest';

const DEMO_REQUEST =
  'Plan a team offsite for the platform team next week: find a day everyone is free, book a room for 8 people, and email the announcement';

/** An agent whose action needs an approval, then completes or fails by the decision. */
function needsApproval(id: string, decision: 'approved' | 'denied', result: string): AgentScript {
  return async function* () {
    yield { kind: 'status', state: 'TASK_STATE_WORKING', taskId: `task-${id}` };
    yield {
      kind: 'status',
      state: 'TASK_STATE_AUTH_REQUIRED',
      approval: { id, url: `http://127.0.0.1:7070/approvals/${id}` },
    };
    if (decision === 'denied') {
      yield { kind: 'status', state: 'TASK_STATE_FAILED', message: 'the approval was denied' };
      return;
    }
    yield* completesWith(result)({} as never);
  };
}

function demo(decision: 'approved' | 'denied') {
  const runner = new ScriptedRunner({
    scheduler: completesWith('Tuesday 14 May, everyone is free'),
    facilities: needsApproval('room', decision, 'Room Orion booked for 8 on Tuesday 14 May'),
    comms: needsApproval('mail', decision, 'Announcement mailed to platform-team@example.com'),
  });
  const orchestrator = new Orchestrator({
    directory: staticAgentDirectory(DEMO_AGENTS),
    runner,
    planner: new OfflinePlanner(),
    settings: { subtaskTimeout: 60_000, retries: 1 },
  });
  return { runner, orchestrator };
}

describe('the demo ask on the offline planner', () => {
  it('delegates to scheduler, facilities and comms and names the date, the room and the mail', async () => {
    const { orchestrator } = demo('approved');
    const events: ProgressEvent[] = [];
    for await (const event of orchestrator.stream(DEMO_REQUEST)) events.push(event);

    expect(events[0]?.type).toBe('plan-created');
    expect(
      events
        .filter((e) => e.type === 'approval-required')
        .map((e) => e.agent)
        .sort(),
    ).toEqual(['comms', 'facilities']);
    const last = events.at(-1);
    expect(last?.type).toBe('final-answer');
    if (last?.type !== 'final-answer') return;
    expect(last.result.state).toBe('TASK_STATE_COMPLETED');
    expect(last.result.answer).toContain('Tuesday 14 May');
    expect(last.result.answer).toContain('Room Orion');
    expect(last.result.answer).toContain('Announcement mailed');
  });

  it('says what was not done when the approvals are denied, without retrying', async () => {
    const { orchestrator, runner } = demo('denied');
    const result = await orchestrator.ask(DEMO_REQUEST);
    expect(result.state).toBe('TASK_STATE_FAILED');
    expect(result.answer).toContain('Done: 1 of 3 parts. Not done: 2.');
    expect(result.answer).toContain('Book a room for 8 people (facilities): failed — the approval was denied');
    expect(result.answer).toMatch(
      /Email the announcement \(comms\): skipped — not started: it needs "book a room for 8 people"/,
    );
    expect(runner.requests.filter((r) => r.subtask.agent === 'facilities')).toHaveLength(1);
  });

  it('fails the ask with a clear error when no agent is available', async () => {
    const orchestrator = new Orchestrator({
      directory: staticAgentDirectory([]),
      runner: new ScriptedRunner({}),
      planner: plannerFromConfig({ subtaskTimeout: 1000, retries: 0 }),
      settings: { subtaskTimeout: 1000, retries: 0 },
    });
    const result = await orchestrator.ask(DEMO_REQUEST);
    expect(result).toMatchObject({ state: 'TASK_STATE_FAILED', error: { code: 'ERR_ORCH_NO_AGENTS' } });
  });
});
