import { describe, expect, it } from 'vitest';
import { Orchestrator } from '../orchestrator.ts';
import type { Plan, Subtask } from '../plan/plan.ts';
import type { Planner } from '../plan/planner.ts';
import { staticAgentDirectory } from '../ports/agent-directory.ts';
import type { InputProvider } from '../ports/subtask-runner.ts';
import type { ProgressEvent } from '../progress/progress-event.ts';
import { DEMO_AGENTS } from '../testing/demo-agents.ts';
import { ManualTimers } from '../testing/manual-timers.ts';
import { type AgentScript, completesWith, ScriptedRunner, untilAborted } from '../testing/scripted-runner.ts';

function subtask(id: string, agent: string, skill: string, dependsOn: string[] = []): Subtask {
  return { id, agent, skill, instruction: `do ${id}`, title: `step ${id}`, dependsOn };
}

const DIAMOND: Plan = {
  planner: 'offline',
  unassigned: [],
  subtasks: [
    subtask('s1', 'scheduler', 'find_common_slot'),
    subtask('s2', 'facilities', 'book_room'),
    subtask('s3', 'comms', 'send_mail', ['s1', 's2']),
  ],
};

function fixedPlanner(plan: Plan): Planner {
  return { kind: 'offline', plan: async () => plan, answer: async () => 'answer' };
}

function orchestrator(
  runner: ScriptedRunner,
  options: { plan?: Plan; retries?: number; timers?: ManualTimers; inputProvider?: InputProvider } = {},
) {
  return new Orchestrator({
    directory: staticAgentDirectory(DEMO_AGENTS),
    runner,
    planner: fixedPlanner(options.plan ?? DIAMOND),
    settings: { subtaskTimeout: 60_000, retries: options.retries ?? 0 },
    ...(options.timers ? { timers: options.timers, clock: options.timers.clock } : {}),
    ...(options.inputProvider ? { inputProvider: options.inputProvider } : {}),
  });
}

/** Waits until `check` holds, yielding to the event loop between looks. */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !check(); i += 1) await new Promise((resolve) => setTimeout(resolve, 1));
  expect(check()).toBe(true);
}

describe('executing a plan', () => {
  it('runs independent subtasks in parallel and a dependent one only after both', async () => {
    let started = 0;
    let releaseAll: () => void = () => {};
    const bothStarted = new Promise<void>((resolve) => {
      releaseAll = resolve;
    });
    // Each of s1 and s2 holds until both are running: run one after the other,
    // they would only finish through the fallback, in the wrong order.
    const overlapping = (text: string): AgentScript =>
      async function* () {
        started += 1;
        if (started === 2) releaseAll();
        await Promise.race([bothStarted, new Promise((resolve) => setTimeout(resolve, 2_000))]);
        yield* completesWith(text)({} as never);
      };
    const runner = new ScriptedRunner({
      s1: overlapping('Tuesday'),
      s2: overlapping('Room Orion'),
      s3: completesWith('mail sent'),
    });
    const result = await orchestrator(runner).ask('offsite');

    expect(result.state).toBe('TASK_STATE_COMPLETED');
    const order = runner.records.map((r) => `${r.what}:${r.subtaskId}`);
    // Overlapping windows: both independent subtasks started before either ended.
    expect(order.slice(0, 2).sort()).toEqual(['start:s1', 'start:s2']);
    expect(order.indexOf('start:s3')).toBeGreaterThan(order.indexOf('end:s1'));
    expect(order.indexOf('start:s3')).toBeGreaterThan(order.indexOf('end:s2'));
  });

  it("hands a dependent subtask its inputs' artifacts", async () => {
    const runner = new ScriptedRunner({
      s1: completesWith('Tuesday 14 May is free for everyone'),
      s2: completesWith('Room Orion (10 seats) booked'),
      s3: completesWith('mail sent'),
    });
    await orchestrator(runner).ask('offsite');
    const mail = runner.requests.find((request) => request.subtask.id === 's3');
    expect(mail?.message.text).toContain('Tuesday 14 May is free for everyone');
    expect(mail?.message.text).toContain('Room Orion (10 seats) booked');
    expect(mail?.message.inputs.map((input) => input.subtaskId)).toEqual(['s1', 's2']);
    const first = runner.requests.find((request) => request.subtask.id === 's1');
    expect(first?.message.inputs).toEqual([]);
  });

  it('times out a silent agent and retries it', async () => {
    const timers = new ManualTimers();
    const runner = new ScriptedRunner({
      s1: async function* ({ request, signal }) {
        if (request.attempt === 1) {
          yield { kind: 'status', state: 'TASK_STATE_WORKING' };
          await untilAborted(signal);
          return;
        }
        yield* completesWith('Tuesday')({} as never);
      },
    });
    const plan: Plan = {
      planner: 'offline',
      unassigned: [],
      subtasks: [subtask('s1', 'scheduler', 'find_common_slot')],
    };
    const events: ProgressEvent[] = [];
    const pending = orchestrator(runner, { plan, retries: 1, timers }).ask('x', { onEvent: (e) => events.push(e) });
    await until(() => events.some((e) => e.type === 'subtask-status' && e.state === 'TASK_STATE_WORKING'));
    timers.advance(60_000);
    const result = await pending;

    expect(result.state).toBe('TASK_STATE_COMPLETED');
    expect(result.outcomes[0]?.attempts).toBe(2);
    const retry = events.find((e) => e.type === 'subtask-retrying');
    expect(retry).toMatchObject({ attempt: 2, reason: expect.stringMatching(/did not finish within 60s/) });
    // The timed-out attempt saw its signal abort, so the runner can cancel the remote task.
    expect(runner.records).toContainEqual({ what: 'aborted', subtaskId: 's1', attempt: 1 });
  });

  it('does not retry once an approval was requested', async () => {
    const runner = new ScriptedRunner({
      s1: async function* () {
        yield {
          kind: 'status',
          state: 'TASK_STATE_AUTH_REQUIRED',
          approval: { id: 'ap1', url: 'http://x/approvals/ap1' },
        };
        yield { kind: 'status', state: 'TASK_STATE_FAILED', message: 'approval denied' };
      },
    });
    const plan: Plan = { planner: 'offline', unassigned: [], subtasks: [subtask('s1', 'facilities', 'book_room')] };
    const events: ProgressEvent[] = [];
    const result = await orchestrator(runner, { plan, retries: 3 }).ask('x', { onEvent: (e) => events.push(e) });
    expect(result.outcomes[0]).toMatchObject({ status: 'failed', attempts: 1, reason: 'approval denied' });
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'approval-required', approval: { id: 'ap1', url: 'http://x/approvals/ap1' } }),
    );
  });

  it('retries a plain failure up to the configured number of times', async () => {
    const runner = new ScriptedRunner({
      s1: async function* () {
        yield { kind: 'status', state: 'TASK_STATE_FAILED', message: 'calendar backend down' };
      },
    });
    const plan: Plan = {
      planner: 'offline',
      unassigned: [],
      subtasks: [subtask('s1', 'scheduler', 'find_common_slot')],
    };
    const result = await orchestrator(runner, { plan, retries: 2 }).ask('x');
    expect(result.outcomes[0]).toMatchObject({ status: 'failed', attempts: 3, reason: 'calendar backend down' });
  });

  it('reports a partial failure and skips what depended on it', async () => {
    const runner = new ScriptedRunner({
      s1: completesWith('Tuesday'),
      s2: async function* () {
        yield { kind: 'status', state: 'TASK_STATE_REJECTED', message: 'no room has 8 seats' };
      },
      s3: completesWith('mail sent'),
    });
    const result = await orchestrator(runner, { retries: 1 }).ask('offsite');
    expect(result.state).toBe('TASK_STATE_FAILED');
    expect(result.outcomes.map((o) => [o.subtaskId, o.status])).toEqual([
      ['s1', 'completed'],
      ['s2', 'rejected'],
      ['s3', 'skipped'],
    ]);
    expect(result.outcomes[2]?.reason).toMatch(/needs "step s2", which was rejected/);
    expect(runner.requests.some((request) => request.subtask.id === 's3')).toBe(false);
  });

  it('cancels every running subtask when the ask is canceled', async () => {
    const hang: AgentScript = async function* ({ signal }) {
      yield { kind: 'status', state: 'TASK_STATE_WORKING' };
      await untilAborted(signal);
    };
    const runner = new ScriptedRunner({ s1: hang, s2: hang, s3: completesWith('never') });
    const controller = new AbortController();
    const events: ProgressEvent[] = [];
    const pending = orchestrator(runner).ask('offsite', { signal: controller.signal, onEvent: (e) => events.push(e) });
    await until(() => events.filter((e) => e.type === 'subtask-status').length === 2);
    controller.abort();
    const result = await pending;

    expect(result.state).toBe('TASK_STATE_CANCELED');
    expect(
      runner.records
        .filter((r) => r.what === 'aborted')
        .map((r) => r.subtaskId)
        .sort(),
    ).toEqual(['s1', 's2']);
    expect(result.outcomes.map((o) => o.status)).toEqual(['canceled', 'canceled', 'canceled']);
    expect(runner.requests.some((request) => request.subtask.id === 's3')).toBe(false);
  });

  it('answers an input-required question and continues the same task', async () => {
    const runner = new ScriptedRunner({
      s1: async function* ({ reply }) {
        if (!reply) {
          yield { kind: 'status', state: 'TASK_STATE_INPUT_REQUIRED', taskId: 't1', message: 'Which week?' };
          return;
        }
        expect(reply.taskId).toBe('t1');
        yield* completesWith(`free on Tuesday of ${reply.text}`)({} as never);
      },
    });
    const plan: Plan = {
      planner: 'offline',
      unassigned: [],
      subtasks: [subtask('s1', 'scheduler', 'find_common_slot')],
    };
    const questions: string[] = [];
    const inputProvider: InputProvider = {
      provide: async (input) => {
        questions.push(input.question);
        return 'the week of 12 May';
      },
    };
    const result = await orchestrator(runner, { plan, inputProvider }).ask('x');
    expect(questions).toEqual(['Which week?']);
    expect(result.state).toBe('TASK_STATE_COMPLETED');
    expect(result.outcomes[0]?.artifacts[0]?.parts[0]?.text).toBe('free on Tuesday of the week of 12 May');
  });

  it('fails a subtask whose question nobody answers, quoting the question', async () => {
    const runner = new ScriptedRunner({
      s1: async function* () {
        yield { kind: 'status', state: 'TASK_STATE_INPUT_REQUIRED', taskId: 't1', message: 'Which week?' };
      },
    });
    const plan: Plan = {
      planner: 'offline',
      unassigned: [],
      subtasks: [subtask('s1', 'scheduler', 'find_common_slot')],
    };
    const result = await orchestrator(runner, { plan, retries: 2 }).ask('x');
    expect(result.outcomes[0]).toMatchObject({ status: 'failed', attempts: 1 });
    expect(result.outcomes[0]?.reason).toContain('Which week?');
  });
});
