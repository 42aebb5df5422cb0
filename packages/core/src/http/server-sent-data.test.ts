import { describe, expect, it } from 'vitest';
import { serverSentData } from './server-sent-data.ts';

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function collect(chunks: string[]): Promise<string[]> {
  const out: string[] = [];
  for await (const data of serverSentData(streamOf(chunks))) out.push(data);
  return out;
}

describe('serverSentData', () => {
  it('reads events ended by LF, CRLF or CR, even when a CRLF is split across chunks', async () => {
    expect(await collect(['data: a\n\n', 'data: b\r\n\r\n', 'data: c\r\r', 'data: d\r', '\n\r', '\n'])).toEqual([
      'a',
      'b',
      'c',
      'd',
    ]);
  });

  it('joins multi-line data, skips other fields, and drops an event the stream cut off', async () => {
    expect(await collect(['event: x\nid: 1\ndata: one\ndata:two\n: note\n\n', 'data: cut'])).toEqual(['one\ntwo']);
  });
});
