import type { Caller, GuardedAction, HopRecord, Logger, RequestPipeline } from '@parley/core';
import { describe, expect, it } from 'vitest';
import { Guard } from './guard.ts';

const caller = { principal: { type: 'Agent', id: 'planner' }, actorChain: [], roles: [] } as unknown as Caller;
const action: GuardedAction = {
  protocol: 'a2a',
  action: 'GetTask',
  resource: { type: 'A2AAgent', id: 'echo' },
  audience: 'http://parley.test/a2a/echo',
};

function logger(errors: Array<{ fields: unknown; message: string }>): Logger {
  const ignore = () => {};
  const log = {
    error: (fields: unknown, message: string) => errors.push({ fields, message }),
    warn: ignore,
    info: ignore,
    debug: ignore,
    trace: ignore,
    fatal: ignore,
    child: () => log,
  };
  return log as unknown as Logger;
}

describe('Guard', () => {
  it('answers the caller when the audit write fails, and logs the failure', async () => {
    const errors: Array<{ fields: unknown; message: string }> = [];
    const pipeline = {
      decide: async () => ({ effect: 'allow', policies: [] }),
      forward: (_action: unknown, call: () => Promise<unknown>) => call(),
      record: async (_hop: HopRecord) => {
        throw new Error('audit store is down');
      },
    } as unknown as RequestPipeline;
    const guard = new Guard(pipeline, logger(errors));
    await expect(guard.run(caller, action, async () => 'answer')).resolves.toBe('answer');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/could not be recorded/);
    expect(errors[0]?.fields).toMatchObject({ err: { message: 'audit store is down' } });
  });

  it('decides once per operation', async () => {
    let decisions = 0;
    const hops: HopRecord[] = [];
    const pipeline = {
      decide: async () => {
        decisions++;
        return { effect: 'allow', policies: [] };
      },
      forward: (_action: unknown, call: () => Promise<unknown>) => call(),
      record: async (hop: HopRecord) => {
        hops.push(hop);
      },
    } as unknown as RequestPipeline;
    await new Guard(pipeline, logger([])).run(caller, action, async () => 1);
    expect(decisions).toBe(1);
    expect(hops.map((hop) => hop.outcome)).toEqual(['ok']);
  });
});
