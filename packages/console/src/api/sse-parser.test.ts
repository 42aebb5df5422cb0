import { describe, expect, it } from 'vitest';
import { SseParser } from './sse-parser.ts';

describe('SseParser', () => {
  it('yields named events split across chunks, skipping comments', () => {
    const parser = new SseParser();
    expect(parser.push(': keep-alive\n\nevent: approval.requ')).toEqual([]);
    expect(parser.push('ested\ndata: {"id":"apr_1"}\n')).toEqual([]);
    expect(parser.push('\nevent: ready\r\ndata: {}\r\n\r\n')).toEqual([
      { event: 'approval.requested', data: '{"id":"apr_1"}' },
      { event: 'ready', data: '{}' },
    ]);
  });

  it('joins multi-line data, defaults the name to message, and waits for the blank line', () => {
    const parser = new SseParser();
    expect(parser.push('data: a\ndata: b\n')).toEqual([]);
    expect(parser.push('\n')).toEqual([{ event: 'message', data: 'a\nb' }]);
  });
});
