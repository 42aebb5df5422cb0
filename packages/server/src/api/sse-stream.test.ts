import { EventEmitter } from 'node:events';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { openSseStream } from './sse-stream.ts';

function fakeReply() {
  const raw = Object.assign(new EventEmitter(), {
    writableEnded: false,
    destroyed: false,
    written: [] as string[],
    writeHead() {},
    flushHeaders() {},
    write(chunk: string) {
      raw.written.push(chunk);
    },
    end() {
      raw.writableEnded = true;
    },
  });
  return { raw, reply: { raw, hijack() {} } as unknown as FastifyReply };
}

describe('openSseStream', () => {
  it('runs a close listener added after the client left (no subscription is left behind)', () => {
    const { raw, reply } = fakeReply();
    const stream = openSseStream({ id: 'r1' } as FastifyRequest, reply);
    let before = 0;
    let after = 0;
    stream.onClose(() => before++);
    raw.emit('close');
    stream.onClose(() => after++);
    expect([before, after]).toEqual([1, 1]);
  });
  it('writes events with their id, and nothing once the stream ended', () => {
    const { raw, reply } = fakeReply();
    const stream = openSseStream({ id: 'r1' } as FastifyRequest, reply);
    stream.send('entry', { seq: 7 }, '7');
    stream.end();
    stream.send('entry', { seq: 8 }, '8');
    expect(raw.written).toEqual(['id: 7\nevent: entry\ndata: {"seq":7}\n\n']);
  });
});
