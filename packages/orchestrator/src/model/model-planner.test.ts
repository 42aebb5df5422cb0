import { MockLanguageModelV4 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { DEMO_AGENTS } from '../testing/demo-agents.ts';
import { ModelPlanner, modelInputProvider } from './model-planner.ts';

function reply(text: string) {
  return {
    content: [{ type: 'text' as const, text }],
    finishReason: { unified: 'stop' as const, raw: undefined },
    usage: {
      inputTokens: { total: 10, noCache: 10, cacheRead: undefined, cacheWrite: undefined },
      outputTokens: { total: 20, text: 20, reasoning: undefined },
    },
    warnings: [],
  };
}

const GOOD_PLAN = {
  subtasks: [
    {
      id: 's1',
      agent: 'scheduler',
      skill: 'find_common_slot',
      instruction: 'Find a day next week the platform team is free.',
      dependsOn: [],
    },
    { id: 's2', agent: 'facilities', skill: 'book_room', instruction: 'Book a room for 8 people.', dependsOn: [] },
    { id: 's3', agent: 'comms', skill: 'send_mail', instruction: 'Email the announcement.', dependsOn: ['s1', 's2'] },
  ],
  unassigned: [],
};

const request = 'Plan a team offsite: find a day, book a room for 8, email the announcement';

describe('the model planner', () => {
  it('returns the structured plan the model writes, after showing it the skills', async () => {
    const model = new MockLanguageModelV4({ doGenerate: reply(JSON.stringify(GOOD_PLAN)) });
    const plan = await new ModelPlanner({ model }).plan({ request, agents: DEMO_AGENTS });
    expect(plan).toEqual({ ...GOOD_PLAN, planner: 'model' });
    const prompt = JSON.stringify(model.doGenerateCalls[0]?.prompt);
    expect(prompt).toContain('find_common_slot');
    expect(prompt).toContain('Reserves a meeting room with enough capacity');
    expect(model.doGenerateCalls[0]?.responseFormat).toMatchObject({ type: 'json' });
  });

  it('sends an invalid plan back with its problems and accepts the repair', async () => {
    const bad = {
      ...GOOD_PLAN,
      subtasks: [{ ...GOOD_PLAN.subtasks[0], agent: 'weather' }, ...GOOD_PLAN.subtasks.slice(1)],
    };
    const model = new MockLanguageModelV4({
      doGenerate: [reply(JSON.stringify(bad)), reply(JSON.stringify(GOOD_PLAN))],
    });
    const plan = await new ModelPlanner({ model }).plan({ request, agents: DEMO_AGENTS });
    expect(plan.subtasks[0]?.agent).toBe('scheduler');
    expect(model.doGenerateCalls).toHaveLength(2);
    expect(JSON.stringify(model.doGenerateCalls[1]?.prompt)).toContain('unknown agent \\"weather\\"');
  });

  it('rejects a plan that stays invalid, naming the problem', async () => {
    const cyclic = {
      ...GOOD_PLAN,
      subtasks: GOOD_PLAN.subtasks.map((s) => (s.id === 's1' ? { ...s, dependsOn: ['s3'] } : s)),
    };
    const model = new MockLanguageModelV4({ doGenerate: reply(JSON.stringify(cyclic)) });
    await expect(new ModelPlanner({ model }).plan({ request, agents: DEMO_AGENTS })).rejects.toMatchObject({
      code: 'ERR_ORCH_PLAN_INVALID',
      message: expect.stringContaining('dependency cycle: s1 -> s3 -> s1'),
    });
  });

  it('repairs a reply that is not a plan at all', async () => {
    const model = new MockLanguageModelV4({
      doGenerate: [reply('Sure! I will plan it.'), reply(JSON.stringify(GOOD_PLAN))],
    });
    const plan = await new ModelPlanner({ model }).plan({ request, agents: DEMO_AGENTS });
    expect(plan.subtasks).toHaveLength(3);
  });

  it('writes the final answer and still lists what was not done', async () => {
    const model = new MockLanguageModelV4({ doGenerate: reply('The offsite is on Tuesday in Room Orion.') });
    const answer = await new ModelPlanner({ model }).answer({
      request,
      plan: { ...GOOD_PLAN, planner: 'model' },
      outcomes: [
        {
          subtaskId: 's1',
          agent: 'scheduler',
          skill: 'find_common_slot',
          title: 'find a day',
          status: 'completed',
          artifacts: [{ artifactId: 'a', parts: [{ text: 'Tuesday' }] }],
          attempts: 1,
        },
        {
          subtaskId: 's3',
          agent: 'comms',
          skill: 'send_mail',
          title: 'email the announcement',
          status: 'failed',
          reason: 'the approval was denied',
          artifacts: [],
          attempts: 1,
        },
      ],
    });
    expect(answer).toMatch(/^The offsite is on Tuesday in Room Orion\./);
    expect(answer).toContain('Email the announcement (comms): failed — the approval was denied');
    expect(JSON.stringify(model.doGenerateCalls[0]?.prompt)).toContain('Tuesday');
  });

  it('answers an agent question from context, or declines', async () => {
    const input = {
      askId: 'a',
      request,
      plan: { ...GOOD_PLAN, planner: 'model' as const },
      subtask: { ...GOOD_PLAN.subtasks[1], title: 'x' } as never,
      question: 'How many people?',
      context: [],
    };
    const knows = modelInputProvider(new MockLanguageModelV4({ doGenerate: reply('8 people') }));
    expect(await knows.provide(input, new AbortController().signal)).toBe('8 people');
    const unsure = modelInputProvider(new MockLanguageModelV4({ doGenerate: reply('UNKNOWN') }));
    expect(await unsure.provide(input, new AbortController().signal)).toBeUndefined();
  });
});
