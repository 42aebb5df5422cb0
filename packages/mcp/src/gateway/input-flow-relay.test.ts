import { ProtocolError } from '@modelcontextprotocol/server';
import { InProcessBus } from '@parley/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type ContinueHere, InputFlowRelay } from './input-flow-relay.ts';

describe('InputFlowRelay', () => {
  const relays: InputFlowRelay[] = [];
  afterEach(async () => {
    for (const relay of relays.splice(0)) await relay.close();
  });
  const bus = new InProcessBus();
  const replica = async (name: string, continueHere: ContinueHere, answerMs = 5_000) => {
    const relay = new InputFlowRelay({ bus, replica: name, answerMs });
    relays.push(relay);
    await relay.serve(continueHere);
    return relay;
  };
  const continuation = { id: 'a.flow', owner: 'alice', target: 'tools/call:x', responses: { k: { action: 'accept' } } };

  it('runs the leg on the holding replica and brings its result back', async () => {
    const seen: unknown[] = [];
    await replica('a', (c) => {
      seen.push(c);
      return Promise.resolve({ content: [{ type: 'text', text: 'done' }] });
    });
    const b = await replica('b', () => undefined);
    expect(await b.forward('a', continuation)).toEqual({ content: [{ type: 'text', text: 'done' }] });
    expect(seen).toEqual([continuation]);
  });

  it('brings an error back with its code, message and data', async () => {
    await replica('a', () => Promise.reject(new ProtocolError(-32602, 'the answer does not fit', { field: 'email' })));
    const b = await replica('b', () => undefined);
    const error = await b.forward('a', continuation).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toMatchObject({ code: -32602, message: 'the answer does not fit', data: { field: 'email' } });
  });

  it('answers "unknown or expired" when the holder has no such flow, or no replica holds it', async () => {
    await replica('a', () => undefined);
    const b = await replica('b', () => undefined);
    await expect(b.forward('a', continuation)).rejects.toThrow(/unknown or expired/);
    await expect(b.forward('gone', continuation)).rejects.toThrow(/unknown or expired/);
  });

  it('gives up on a holder that took the retry but never answers', async () => {
    await replica('a', () => new Promise<never>(() => {}));
    const b = await replica('b', () => undefined, 200);
    await expect(b.forward('a', continuation)).rejects.toThrow(/did not answer in time/);
  });
});
