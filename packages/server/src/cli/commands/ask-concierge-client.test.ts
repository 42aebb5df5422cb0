import { describe, expect, it } from 'vitest';
import { ConciergeClient } from './ask-concierge-client.ts';

describe('the concierge client', () => {
  it('sends SendStreamingMessage with the bearer token and reads the SSE stream', async () => {
    let request: { method?: string; params?: { message?: { role?: string; parts?: unknown } } } = {};
    let auth: string | null = null;
    const events = [
      { jsonrpc: '2.0', id: 1, result: { task: { id: 't1', status: { state: 'TASK_STATE_SUBMITTED' } } } },
      { jsonrpc: '2.0', id: 1, result: { statusUpdate: { taskId: 't1', status: { state: 'TASK_STATE_COMPLETED' } } } },
    ];
    const fetchStub = (async (_url: string, init: RequestInit) => {
      request = JSON.parse(String(init.body));
      auth = new Headers(init.headers).get('authorization');
      const body = events.map((e) => `data: ${JSON.stringify(e)}\r\n\r\n`).join('');
      return new Response(body, {
        headers: {
          'content-type': 'text/event-stream',
          traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        },
      });
    }) as unknown as typeof fetch;
    const client = new ConciergeClient('http://mesh/a2a/concierge', 'tok', fetchStub);
    const received = [];
    for await (const response of client.send('book a room', { signal: new AbortController().signal }))
      received.push(response);
    expect(request.method).toBe('SendStreamingMessage');
    expect(request.params?.message).toMatchObject({ role: 'ROLE_USER', parts: [{ text: 'book a room' }] });
    expect(auth).toBe('Bearer tok');
    expect(received.map((r) => r.task?.status.state ?? r.statusUpdate?.status.state)).toEqual([
      'TASK_STATE_SUBMITTED',
      'TASK_STATE_COMPLETED',
    ]);
    expect(client.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
  });
});
