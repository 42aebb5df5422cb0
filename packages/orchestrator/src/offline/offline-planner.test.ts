import { describe, expect, it } from 'vitest';
import { DEMO_AGENTS } from '../testing/demo-agents.ts';
import { OfflinePlanner } from './offline-planner.ts';
import { splitRequest } from './split-request.ts';

const DEMO_REQUEST =
  'Plan a team offsite for the platform team next week: find a day everyone is free, book a room for 8 people, and email the announcement';

async function plan(request: string) {
  return new OfflinePlanner().plan({ request, agents: DEMO_AGENTS });
}

describe('the offline planner', () => {
  it('splits the demo request into three subtasks for scheduler, facilities and comms', async () => {
    const result = await plan(DEMO_REQUEST);
    expect(result.subtasks.map((s) => [s.id, s.agent, s.skill, s.dependsOn])).toEqual([
      ['s1', 'scheduler', 'find_common_slot', []],
      ['s2', 'facilities', 'book_room', []],
      ['s3', 'comms', 'send_mail', ['s1', 's2']],
    ]);
    expect(result.unassigned).toEqual([]);
    // The goal before the colon travels with every subtask as context.
    expect(result.subtasks[1]?.instruction).toBe(
      'Book a room for 8 people.\n\nThis is part of: Plan a team offsite for the platform team next week.',
    );
  });

  it('reports a part no agent can do instead of dropping it', async () => {
    const result = await plan('Find a time when Alice and Bob are free, then book a room for it. Also order pizza.');
    expect(result.subtasks.map((s) => [s.agent, s.dependsOn])).toEqual([
      ['scheduler', []],
      ['facilities', ['s1']],
    ]);
    expect(result.unassigned).toEqual([{ text: 'order pizza', reason: "no agent's skills match it" }]);
  });

  it('keeps names and objects joined by "and" in one part', async () => {
    const result = await plan('Book a room and a projector for Alice and Bob on Friday');
    expect(result.subtasks).toHaveLength(1);
    expect(result.subtasks[0]).toMatchObject({
      agent: 'facilities',
      title: 'Book a room and a projector for Alice and Bob on Friday',
    });
  });

  it('makes a reporting part depend on the earlier ones and leaves the rest parallel', async () => {
    const result = await plan('Reserve a meeting room for 12 people, find a slot for the retro and notify the team');
    expect(result.subtasks.map((s) => [s.agent, s.dependsOn])).toEqual([
      ['facilities', []],
      ['scheduler', []],
      ['comms', ['s1', 's2']],
    ]);
  });

  it('reads a bulleted list as parts', async () => {
    const result = await plan('Retro prep:\n- find a slot for the retro\n- book a room\n- send the invite');
    expect(result.subtasks.map((s) => s.agent)).toEqual(['scheduler', 'facilities', 'comms']);
    expect(result.subtasks[0]?.instruction).toContain('This is part of: Retro prep.');
  });

  it('assigns nothing when nothing matches', async () => {
    const result = await plan('What is the weather in Paris?');
    expect(result.subtasks).toEqual([]);
    expect(result.unassigned).toHaveLength(1);
  });

  it('reports a part that needs the result of an unassigned one', async () => {
    const result = await plan('Order pizza, then book a room for it');
    expect(result.subtasks).toEqual([]);
    expect(result.unassigned.map((u) => u.reason)).toEqual([
      "no agent's skills match it",
      'it needs "Order pizza", which no agent can do',
    ]);
  });
});

describe('splitting a request', () => {
  it('separates the goal from the parts and marks sequenced ones', () => {
    expect(splitRequest('Offsite: find a day, then book a room.')).toEqual({
      goal: 'Offsite',
      parts: [
        { text: 'find a day', sequenced: false },
        { text: 'book a room', sequenced: true },
      ],
    });
  });

  it('splits sentences and strips fillers', () => {
    expect(splitRequest('Please book a room. Also email Carol.').parts.map((p) => p.text)).toEqual([
      'book a room',
      'email Carol',
    ]);
  });
});

describe('the confidence threshold', () => {
  it('does not assign a part that shares only a common word with a skill', async () => {
    const result = await plan('find a good restaurant near the venue');
    expect(result.subtasks).toEqual([]);
    expect(result.unassigned[0]?.reason).toMatch(/closest: /);
  });
});
