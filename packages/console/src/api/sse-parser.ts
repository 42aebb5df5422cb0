/** One Server-Sent Event: its `event` name (default `message`) and its `data` lines joined. */
export interface ServerSentEvent {
  readonly event: string;
  readonly data: string;
}

/**
 * Splits a `text/event-stream` into events as chunks arrive: `event:` and
 * `data:` fields, blank-line dispatch, comments (`:`) ignored, CRLF or LF.
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */
export class SseParser {
  #buffer = '';
  #event = '';
  #data: string[] = [];

  /** Feeds decoded text; returns the events it completed. */
  push(text: string): ServerSentEvent[] {
    this.#buffer += text;
    const events: ServerSentEvent[] = [];
    for (let end = this.#buffer.search(/\r\n|\r|\n/); end !== -1; end = this.#buffer.search(/\r\n|\r|\n/)) {
      const line = this.#buffer.slice(0, end);
      // A lone CR at the end of a chunk may be the first half of CRLF: wait for more.
      if (this.#buffer[end] === '\r' && end === this.#buffer.length - 1) break;
      this.#buffer = this.#buffer.slice(end + (this.#buffer.startsWith('\r\n', end) ? 2 : 1));
      if (line === '') {
        if (this.#data.length > 0) events.push({ event: this.#event || 'message', data: this.#data.join('\n') });
        this.#event = '';
        this.#data = [];
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') this.#event = value;
      else if (field === 'data') this.#data.push(value);
    }
    return events;
  }
}
