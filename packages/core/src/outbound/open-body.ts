import { pipeline, type Readable, Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { OutboundError } from '../errors/parley-error.ts';
import { type Exchange, networkError } from './send-request.ts';

/** A response body flowing through the size caps and decoders, not yet read. */
export interface OpenedBody {
  /** The decoded bytes; fails as soon as a cap is passed or a stage fails, the socket destroyed with it. */
  readonly output: Readable;
  /** True when a Content-Encoding is undone, so the length and encoding headers no longer apply. */
  readonly decoded: boolean;
  /** The `OutboundError` that stands for an error `output` failed with. */
  explain(err: unknown): OutboundError;
}

/** What `Accept-Encoding` offers: exactly what `openBody` can undo. */
export const ACCEPT_ENCODING = 'gzip, deflate, br';

const decoders: Readonly<Record<string, () => Transform>> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  // RFC 9110 §8.4.1.2: "deflate" is the zlib format, not raw deflate.
  deflate: createInflate,
  br: createBrotliDecompress,
};

/**
 * The content codings a response body needs undone, last applied first:
 * none for a bodiless or empty response, `undefined` when one is unknown
 * (the body then passes through undecoded). A declared Content-Length over
 * `maxBytes` is refused here, before anything is read.
 */
export function bodyCodings(
  { request, response }: Exchange,
  outbound: { readonly url: URL; readonly method: string },
  maxBytes: number,
): readonly string[] | undefined {
  const declared = Number(response.headers['content-length']);
  // HEAD, 204 and 304 have no body, whatever Content-Length and Content-Encoding describe.
  const bodiless = outbound.method === 'HEAD' || response.statusCode === 204 || response.statusCode === 304;
  if (!bodiless && Number.isFinite(declared) && declared > maxBytes) {
    request.destroy();
    throw tooLarge(outbound.url, maxBytes);
  }
  // An empty body is not a valid gzip, deflate or br stream: there is nothing to decode.
  return bodiless || declared === 0 ? [] : contentCodings(response.headers['content-encoding']);
}

/**
 * Opens the body, refusing a declared Content-Length over `maxBytes` before
 * reading, and otherwise failing (and destroying the socket) as soon as either
 * the bytes on the wire or the decoded bytes pass `maxBytes`. Unknown content
 * codings are passed through undecoded. Nothing is read until `output` is.
 */
export function openBody(
  exchange: Exchange,
  outbound: { readonly url: URL; readonly method: string },
  maxBytes: number,
  codings: readonly string[] | undefined = bodyCodings(exchange, outbound, maxBytes),
): OpenedBody {
  const { url } = outbound;
  const { response } = exchange;
  const decoding = (codings ?? []).map((coding) => decoderFor(coding));
  const output = byteCap(url, maxBytes);
  // The first stage to fail is the cause; pipeline then destroys every stage, the socket included.
  let firstFailure: 'transport' | 'decoding' | undefined;
  response.once('error', () => {
    firstFailure ??= 'transport';
  });
  for (const decoder of decoding) {
    decoder.once('error', () => {
      firstFailure ??= 'decoding';
    });
  }
  pipeline([response, byteCap(url, maxBytes), ...decoding, output], () => {});
  return {
    output,
    decoded: codings !== undefined && codings.length > 0,
    explain: (err) => {
      if (err instanceof OutboundError) return err;
      if (firstFailure === 'decoding') {
        return new OutboundError('ERR_OUTBOUND_BODY', `response from ${url.origin} could not be decoded`, err);
      }
      return networkError(url, err);
    },
  };
}

/** The codings to undo, last applied first; `undefined` when one is unknown. */
function contentCodings(header: string | undefined): string[] | undefined {
  if (header === undefined) return [];
  const codings = header
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity')
    .reverse();
  return codings.every((coding) => coding in decoders) ? codings : undefined;
}

function decoderFor(coding: string): Transform {
  const create = decoders[coding];
  if (create === undefined) throw new Error(`no decoder for ${coding}`);
  return create();
}

function byteCap(url: URL, maxBytes: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > maxBytes) callback(tooLarge(url, maxBytes));
      else callback(null, chunk);
    },
  });
}

export function tooLarge(url: URL, maxBytes: number): OutboundError {
  return new OutboundError('ERR_OUTBOUND_TOO_LARGE', `response from ${url.origin} exceeds ${maxBytes} bytes`);
}
