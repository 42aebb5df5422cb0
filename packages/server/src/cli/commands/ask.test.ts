import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  OfflinePlanner,
  Orchestrator,
  type ProgressEvent,
  progressMetadata,
  staticAgentDirectory,
} from '@parley/orchestrator';
import { type AgentScript, completesWith, DEMO_AGENTS, ScriptedRunner } from '@parley/orchestrator/testing';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { type AskDependencies, registerAskCommand, resolveApiKey } from './ask.ts';
import type { ConciergePort, StreamResponse } from './ask-concierge-client.ts';

const DEMO_REQUEST =
  'Plan a team offsite for the platform team next week: find a day everyone is free, book a room for 8 people, and email the announcement';

/** Stands in for the concierge: runs the real engine and streams its events the way the concierge maps them. */
function engineConcierge(scripts: Record<string, AgentScript>): ConciergePort & { sent: string[] } {
  const orchestrator = new Orchestrator({
    directory: staticAgentDirectory(DEMO_AGENTS),
    runner: new ScriptedRunner(scripts),
    planner: new OfflinePlanner(),
    settings: { subtaskTimeout: 60_000, retries: 0 },
  });
  const sent: string[] = [];
  return {
    sent,
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    async *send(text) {
      sent.push(text);
      yield { task: { id: 'ask-1', contextId: 'ctx-1', status: { state: 'TASK_STATE_SUBMITTED' } } };
      for await (const event of orchestrator.stream(text, { askId: 'ask-1' })) {
        const final = event.type === 'final-answer' ? event.result : undefined;
        yield statusUpdate(final?.state ?? 'TASK_STATE_WORKING', event, final?.answer);
      }
    },
    async cancel() {},
  };
}

function statusUpdate(state: string, event?: ProgressEvent, text?: string): StreamResponse {
  return {
    statusUpdate: {
      taskId: 'ask-1',
      contextId: 'ctx-1',
      status: { state, ...(text ? { message: { parts: [{ text }] } } : {}) },
      ...(event ? { metadata: progressMetadata(event) } : {}),
    },
  };
}

async function runAsk(argv: string[], concierge: ConciergePort, overrides: Partial<AskDependencies> = {}) {
  let out = '';
  let code: number | undefined;
  let error: unknown;
  const program = new Command('parley').exitOverride();
  registerAskCommand(
    program,
    async (action) => {
      try {
        code = await action();
      } catch (e) {
        error = e;
      }
    },
    {
      connect: async () => concierge,
      stdout: (text) => {
        out += text;
      },
      interactive: false,
      prompt: async () => undefined,
      ...overrides,
    },
  );
  await program.parseAsync(['ask', ...argv], { from: 'user' });
  return { out, code, error };
}

const approved = (result: string): AgentScript =>
  async function* () {
    yield {
      kind: 'status',
      state: 'TASK_STATE_AUTH_REQUIRED',
      approval: { id: 'ap-1', url: 'http://127.0.0.1:7070/approvals/ap-1' },
    };
    yield* completesWith(result)({} as never);
  };

describe('parley ask', () => {
  it('shows the plan live, the approval URL, the answer and the trace id, and exits 0', async () => {
    const concierge = engineConcierge({
      scheduler: completesWith('Tuesday 14 May'),
      facilities: approved('Room Orion booked'),
      comms: completesWith('Announcement sent'),
    });
    const { out, code } = await runAsk([DEMO_REQUEST], concierge);
    expect(concierge.sent).toEqual([DEMO_REQUEST]);
    expect(out).toContain('Plan (offline planner): 3 subtasks');
    expect(out).toContain('s3  comms/send_mail  email the announcement  (after s1, s2)');
    expect(out).toContain('s2 facilities: needs approval: approve at http://127.0.0.1:7070/approvals/ap-1');
    expect(out).toContain('s1 scheduler: ✓ completed');
    expect(out).toContain('Room Orion booked');
    expect(out).toMatch(/completed {2}trace 4bf92f3577b34da6a3ce929d0e0e4736\n$/);
    expect(code).toBe(0);
  });

  it('exits non-zero and says what failed when part of the request failed', async () => {
    const concierge = engineConcierge({
      scheduler: completesWith('Tuesday 14 May'),
      facilities: async function* () {
        yield { kind: 'status', state: 'TASK_STATE_FAILED', message: 'facilities is down' };
      },
      comms: completesWith('never'),
    });
    const { out, code } = await runAsk([DEMO_REQUEST], concierge);
    expect(out).toContain('s2 facilities: ✗ failed — facilities is down');
    expect(out).toContain('Not done:');
    expect(code).toBe(1);
  });

  it('prints one JSON document with --json', async () => {
    const concierge = engineConcierge({
      scheduler: completesWith('Tuesday'),
      facilities: completesWith('Room Orion'),
      comms: completesWith('sent'),
    });
    const { out, code } = await runAsk([DEMO_REQUEST, '--json'], concierge);
    const summary = JSON.parse(out);
    expect(summary).toMatchObject({ ok: true, state: 'TASK_STATE_COMPLETED', taskId: 'ask-1' });
    expect(summary.subtasks.map((s: { agent: string }) => s.agent)).toEqual(['scheduler', 'facilities', 'comms']);
    expect(code).toBe(0);
  });

  it('asks the concierge its question at an interactive terminal and replies on the same task', async () => {
    const sent: { text: string; taskId?: string }[] = [];
    const concierge: ConciergePort = {
      traceId: undefined,
      async *send(text, options) {
        sent.push({ text, ...(options.taskId ? { taskId: options.taskId } : {}) });
        if (!options.taskId) {
          yield { task: { id: 'ask-1', status: { state: 'TASK_STATE_SUBMITTED' } } };
          yield statusUpdate('TASK_STATE_INPUT_REQUIRED', undefined, 'Which week?');
          return;
        }
        yield statusUpdate('TASK_STATE_COMPLETED', undefined, `Booked for ${text}`);
      },
      async cancel() {},
    };
    const questions: string[] = [];
    const { out, code } = await runAsk(['book a room'], concierge, {
      interactive: true,
      prompt: async (question) => {
        questions.push(question);
        return 'next week';
      },
    });
    expect(questions).toEqual(['Which week?']);
    expect(sent).toEqual([{ text: 'book a room' }, { text: 'next week', taskId: 'ask-1' }]);
    expect(out).toContain('Booked for next week');
    expect(code).toBe(0);
  });

  it('does not prompt when not interactive, and says how to answer', async () => {
    const concierge: ConciergePort = {
      traceId: undefined,
      async *send() {
        yield {
          task: {
            id: 'ask-1',
            status: { state: 'TASK_STATE_INPUT_REQUIRED', message: { parts: [{ text: 'Which week?' }] } },
          },
        };
      },
      async cancel() {},
    };
    const { out, code } = await runAsk(['book a room'], concierge);
    expect(out).toContain('The concierge needs an answer: Which week?');
    expect(code).toBe(1);
  });

  it('refuses an empty request as bad usage', async () => {
    const { error } = await runAsk(['  '], engineConcierge({}));
    expect(error).toMatchObject({ code: 'ERR_CLI_USAGE' });
  });
});

describe('signing in for parley ask', () => {
  it("uses --api-key, else alice's key from the dev credentials file", () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-ask-'));
    expect(resolveApiKey({ apiKey: 'pk_given', dataDir })).toBe('pk_given');
    expect(() => resolveApiKey({ dataDir })).toThrow(expect.objectContaining({ code: 'ERR_CLI_NO_CREDENTIALS' }));
    writeFileSync(
      join(dataDir, 'dev-credentials.json'),
      JSON.stringify({ users: [{ username: 'alice', apiKey: 'pk_alice' }] }),
    );
    expect(resolveApiKey({ dataDir })).toBe('pk_alice');
    writeFileSync(join(dataDir, 'dev-credentials.json'), JSON.stringify({ alice: { apiKey: 'pk_alice2' } }));
    expect(resolveApiKey({ dataDir })).toBe('pk_alice2');
  });
});
