const LINE_END = /\r\n|\r|\n/;

/**
 * The `data` of each event in a Server-Sent Events stream, as it arrives.
 * Lines end in CRLF, LF or CR; an event ends at an empty line, and one the
 * stream ends in the middle of is dropped. Stopping early cancels the body.
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */
export async function* serverSentData(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    for (let end = LINE_END.exec(buffer); end !== null; end = LINE_END.exec(buffer)) {
      // A CR that ends what has arrived may be the first half of a CRLF.
      if (end[0] === '\r' && end.index === buffer.length - 1) break;
      const line = buffer.slice(0, end.index);
      buffer = buffer.slice(end.index + end[0].length);
      if (line === '') {
        if (data.length > 0) yield data.join('\n');
        data = [];
      } else if (line === 'data' || line.startsWith('data:')) {
        data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
      }
    }
  }
}
