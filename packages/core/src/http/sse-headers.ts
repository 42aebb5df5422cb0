/**
 * Response headers of a Server-Sent Events stream: its media type, and what
 * keeps caches and buffering proxies (nginx's `X-Accel-Buffering`) from
 * holding events back.
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html
 */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
};
