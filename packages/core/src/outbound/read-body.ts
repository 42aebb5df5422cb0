import { openBody } from './open-body.ts';
import type { Exchange } from './send-request.ts';

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
  const { output, decoded, explain } = openBody(exchange, outbound, maxBytes);
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of output) chunks.push(chunk as Buffer);
  } catch (err) {
    exchange.request.destroy();
    throw explain(err);
  }
  return { body: new Uint8Array(Buffer.concat(chunks)), decoded };
}
