import { randomBytes } from 'node:crypto';
import { createRequestStateCodec } from '@modelcontextprotocol/server';

/**
 * Seals the `requestState` of the multi-round-trip tools with HMAC-SHA256; its
 * `verify` runs before any handler, so a tampered or expired state is refused
 * with `-32602`. One key per process: the server is built per request, and every
 * round of a flow comes back to this process.
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/patterns/mrtr
 */
export const requestStateCodec = createRequestStateCodec({ key: randomBytes(32) });
