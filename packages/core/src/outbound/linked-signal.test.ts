import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { linkSignals } from './linked-signal.ts';

describe('linkSignals', () => {
  it('aborts with the reason of whichever source aborts first', () => {
    const a = new AbortController();
    const b = new AbortController();
    const linked = linkSignals(a.signal, undefined, b.signal);
    expect(linked.signal.aborted).toBe(false);
    b.abort(new Error('b went'));
    a.abort(new Error('a went'));
    expect(linked.signal.reason).toEqual(new Error('b went'));
  });

  it('starts aborted when a source already is', () => {
    const a = AbortSignal.abort('gone');
    const linked = linkSignals(new AbortController().signal, a);
    expect(linked.signal.aborted).toBe(true);
    expect(linked.signal.reason).toBe('gone');
  });

  it('leaves no listener on a long-lived source once disposed, and no longer follows it', () => {
    const server = new AbortController();
    for (let i = 0; i < 1000; i++) linkSignals(server.signal).dispose();
    expect(getEventListeners(server.signal, 'abort')).toHaveLength(0);

    const linked = linkSignals(server.signal);
    linked.dispose();
    server.abort();
    expect(linked.signal.aborted).toBe(false);
  });

  it('detaches from the other sources once one aborts', () => {
    const a = new AbortController();
    const b = new AbortController();
    linkSignals(a.signal, b.signal);
    a.abort();
    expect(getEventListeners(b.signal, 'abort')).toHaveLength(0);
  });
});
