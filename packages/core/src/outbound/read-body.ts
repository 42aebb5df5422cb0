import { bodyCodings, openBody, tooLarge } from './open-body.ts';
import { type Exchange, networkError } from './send-request.ts';

/** A response body read under the size cap. */
export interface ResponseBody {
  readonly body: Uint8Array<ArrayBuffer>;
  /** True when a Content-Encoding was undone, so the length and encoding headers no longer apply. */
  readonly decoded: boolean;
}

/** Reads the whole body under `maxBytes`, as `openBody` caps and decodes it. */
export async function readBody(
  exchange: Exchange,
  outbound: { readonly url: URL; readonly method: string },
  maxBytes: number,
): Promise<ResponseBody> {
  const codings = bodyCodings(exchange, outbound, maxBytes);
  if (codings === undefined || codings.length === 0) {
    return { body: await readUndecoded(exchange, outbound.url, maxBytes), decoded: false };
  }
  const { output, decoded, explain } = openBody(exchange, outbound, maxBytes, codings);
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of output) chunks.push(chunk as Buffer);
  } catch (err) {
    exchange.request.destroy();
    throw explain(err);
  }
  return { body: new Uint8Array(Buffer.concat(chunks)), decoded };
}

/**
 * A body with nothing to decode, read straight off the response: the same
 * cap and failures as `openBody`'s pipeline without its stages, which cost
 * more than the read itself on every small JSON answer.
 */
function readUndecoded({ request, response }: Exchange, url: URL, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let seen = 0;
    const stop = () => {
      response.off('data', onData);
      response.off('end', onEnd);
      response.off('error', onError);
      response.off('close', onClose);
    };
    const fail = (error: unknown) => {
      stop();
      request.destroy();
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > maxBytes) fail(tooLarge(url, maxBytes));
      else chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve(new Uint8Array(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    };
    const onError = (error: unknown) => fail(networkError(url, error));
    // A connection that closes before the body is complete is a transport failure, as the pipeline's end-of-stream says.
    const onClose = () => {
      if (!response.complete)
        onError(Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
    };
    response.on('data', onData);
    response.on('end', onEnd);
    response.on('error', onError);
    response.on('close', onClose);
  });
}
