import { describe, expect, it } from 'vitest';
import { DEMO_AGENTS } from '../testing/demo-agents.ts';
import type { Plan } from './plan.ts';
import { assertValidPlan, planIssues } from './validate-plan.ts';

const plan = (subtasks: Plan['subtasks']): Plan => ({ planner: 'model', unassigned: [], subtasks });

describe('validating a plan', () => {
  it('accepts a DAG over known agents and skills', () => {
    const valid = plan([
      { id: 'a', agent: 'scheduler', skill: 'find_common_slot', instruction: 'x', dependsOn: [] },
      { id: 'b', agent: 'comms', skill: 'send_mail', instruction: 'y', dependsOn: ['a'] },
    ]);
    expect(planIssues(valid, DEMO_AGENTS)).toEqual([]);
  });

  it('names unknown agents and skills, missing dependencies and cycles', () => {
    const issues = planIssues(
      plan([
        { id: 'a', agent: 'weather', skill: 'forecast', instruction: 'x', dependsOn: [] },
        { id: 'b', agent: 'comms', skill: 'fax', instruction: 'y', dependsOn: ['zz'] },
        { id: 'c', agent: 'scheduler', skill: 'find_common_slot', instruction: 'z', dependsOn: ['d'] },
        { id: 'd', agent: 'facilities', skill: 'book_room', instruction: 'w', dependsOn: ['c'] },
      ]),
      DEMO_AGENTS,
    );
    expect(issues).toEqual([
      { path: 'subtasks[0].agent', message: 'unknown agent "weather"' },
      { path: 'subtasks[1].skill', message: 'agent "comms" has no skill "fax"' },
      { path: 'subtasks[1].dependsOn[0]', message: 'unknown subtask "zz"' },
      { path: 'subtasks', message: 'dependency cycle: c -> d -> c' },
    ]);
    expect(() =>
      assertValidPlan(plan([{ id: 'a', agent: 'x', skill: 'y', instruction: 'z', dependsOn: [] }]), DEMO_AGENTS),
    ).toThrow(expect.objectContaining({ code: 'ERR_ORCH_PLAN_INVALID' }));
  });
});
