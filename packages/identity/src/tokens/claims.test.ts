import { describe, expect, it } from 'vitest';
import { actClaim, actorChain, parseAct } from './claims.ts';

describe('act claims', () => {
  it('nests the chain immediate actor first and reads it back', () => {
    const act = actClaim(['scheduler', 'concierge']);
    expect(act).toEqual({ sub: 'scheduler', act: { sub: 'concierge' } });
    expect(actorChain(act)).toEqual(['scheduler', 'concierge']);
    expect(actClaim([])).toBeUndefined();
  });

  it('refuses malformed act claims', () => {
    expect(() => parseAct({ act: { sub: 'x' } })).toThrow();
    expect(() => parseAct('scheduler')).toThrow();
    expect(parseAct(undefined)).toBeUndefined();
  });
});
