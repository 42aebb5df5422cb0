import type { EventBus, Logger } from '@parley/core';
import { z } from 'zod';
import { openInbox } from '../gateway/bus-inbox.ts';
import { LazySubscription } from '../gateway/lazy-subscription.ts';
import { RELAY_TAKE_MS } from '../gateway/replica-id.ts';

/** A 2025-11-25 request for a session another replica holds, as the replica that received it relays it. */
export interface RelayedRequest {
  readonly sessionId: string;
  /** Who the receiving replica authenticated (the session must be theirs). */
  readonly owner: string;
  readonly virtualServer: string | undefined;
  readonly method: string;
  readonly url: string;
  /** The request's headers, without its credentials (the session already knows its caller). */
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
}

/** The holder's side: the session's response to a relayed request, or undefined when it holds no such session. */
export type HandleRelayed = (request: RelayedRequest, signal: AbortSignal) => Promise<Response | undefined>;

const requestMessage = z.object({
  kind: z.literal('request'),
  reply: z.string(),
  sessionId: z.string(),
  owner: z.string(),
  virtualServer: z.string().optional(),
  method: z.string(),
  url: z.string(),
  headers: z.record(z.string(), z.string()),
  body: z.string().optional(),
});
const cancelMessage = z.object({ kind: z.literal('cancel'), reply: z.string() });
const toHolder = z.discriminatedUnion('kind', [requestMessage, cancelMessage]);

const fromHolder = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('missing') }),
  z.object({ kind: z.literal('head'), status: z.number(), headers: z.array(z.tuple([z.string(), z.string()])) }),
  z.object({ kind: z.literal('chunk'), data: z.string() }),
  z.object({ kind: z.literal('end') }),
  z.object({ kind: z.literal('ping') }),
  z.object({ kind: z.literal('error'), message: z.string() }),
]);
type FromHolder = z.infer<typeof fromHolder>;

/** How often a holder says it is alive while a response streams (a GET stream may be quiet for hours). */
const HEARTBEAT_MS = 15_000;

/** Headers that stay on the replica that received them. */
const LOCAL_HEADERS = new Set(['authorization', 'cookie', 'host', 'connection', 'content-length', 'dpop']);

const topicOf = (replica: string) => `mcp.session.${replica}`;

/**
 * Carries a 2025-11-25 request (POST, GET stream or DELETE) for a session that
 * another replica holds to that replica, and its response back, streamed, over
 * the event bus: a client behind a round-robin load balancer keeps its
 * session. The replica that received the request has authenticated it; the
 * holder checks that the session is that caller's. Credentials stay where they
 * were received. When the client goes away, the holder's request is aborted.
 */
export class SessionRelay {
  readonly #bus: EventBus;
  readonly #replica: string;
  readonly #logger: Logger;
  readonly #running = new Map<string, AbortController>();
  readonly #heartbeatMs: number;
  #serving: LazySubscription | undefined;

  constructor(options: {
    bus: EventBus;
    replica: string;
    logger: Logger;
    /** How often a streaming holder says it is alive; three beats of silence end the stream (default 15 s). */
    heartbeatMs?: number;
  }) {
    this.#heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
    this.#bus = options.bus;
    this.#replica = options.replica;
    this.#logger = options.logger;
  }

  /** Takes relayed requests for this replica's sessions from now on (idempotent; awaited before a session is named). */
  serve(handle: HandleRelayed): Promise<void> {
    this.#serving ??= new LazySubscription(this.#bus, topicOf(this.#replica), (payload) => {
      const parsed = toHolder.safeParse(payload);
      if (!parsed.success) return;
      if (parsed.data.kind === 'cancel') this.#running.get(parsed.data.reply)?.abort();
      else void this.#answer(parsed.data, handle);
    });
    return this.#serving.ready();
  }

  /** The holder's response to `request`, streamed as it comes; undefined when `replica` holds no such session. */
  async forward(replica: string, request: RelayedRequest, signal: AbortSignal): Promise<Response | undefined> {
    const inbox = await openInbox(this.#bus, 'mcp.session.reply', fromHolder);
    const cancel = () => {
      void this.#bus.publish(topicOf(replica), { kind: 'cancel', reply: inbox.topic }).catch(() => {});
    };
    const finish = () => {
      inbox.close();
      signal.removeEventListener('abort', cancel);
    };
    let streaming = false;
    try {
      const { headers, ...rest } = request;
      const relayed = Object.fromEntries(Object.entries(headers).filter(([name]) => !LOCAL_HEADERS.has(name)));
      await this.#bus.publish(topicOf(replica), { kind: 'request', reply: inbox.topic, ...rest, headers: relayed });
      const head = await inbox.next(RELAY_TAKE_MS, signal);
      if (head?.kind !== 'head') return undefined;
      signal.addEventListener('abort', cancel, { once: true });
      const body = new ReadableStream<Uint8Array>({
        pull: async (controller) => {
          let message = await inbox.next(this.#heartbeatMs * 3, signal);
          while (message?.kind === 'ping') message = await inbox.next(this.#heartbeatMs * 3, signal);
          if (message?.kind === 'chunk') controller.enqueue(Buffer.from(message.data, 'base64'));
          else if (message?.kind === 'error' || (message === undefined && !signal.aborted)) {
            // An error, or a holder silent for three beats (gone): the client sees the stream fail and reconnects.
            cancel();
            finish();
            controller.error(
              new Error(message?.kind === 'error' ? message.message : 'the session’s replica went silent'),
            );
          } else {
            finish();
            controller.close();
          }
        },
        cancel: () => {
          cancel();
          finish();
        },
      });
      streaming = true;
      return new Response(body, { status: head.status, headers: head.headers });
    } finally {
      if (!streaming) finish();
    }
  }

  async close(): Promise<void> {
    for (const running of this.#running.values()) running.abort();
    await this.#serving?.close();
  }

  async #answer(message: z.infer<typeof requestMessage>, handle: HandleRelayed): Promise<void> {
    const send = (payload: FromHolder) => this.#bus.publish(message.reply, payload);
    const abort = new AbortController();
    this.#running.set(message.reply, abort);
    let heartbeat: NodeJS.Timeout | undefined;
    try {
      const response = await handle(
        {
          sessionId: message.sessionId,
          owner: message.owner,
          virtualServer: message.virtualServer,
          method: message.method,
          url: message.url,
          headers: message.headers,
          body: message.body,
        },
        abort.signal,
      );
      if (!response) {
        await send({ kind: 'missing' });
        return;
      }
      await send({ kind: 'head', status: response.status, headers: [...response.headers] });
      heartbeat = setInterval(() => void send({ kind: 'ping' }).catch(() => {}), this.#heartbeatMs);
      heartbeat.unref();
      if (response.body) {
        const reader = response.body.getReader();
        abort.signal.addEventListener('abort', () => void reader.cancel().catch(() => {}), { once: true });
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          await send({ kind: 'chunk', data: Buffer.from(value).toString('base64') });
        }
      }
      await send({ kind: 'end' });
    } catch (error) {
      this.#logger.debug({ err: error }, 'a relayed MCP session request ended early');
      await send({ kind: 'error', message: 'the replica holding the session could not answer' }).catch(() => {});
    } finally {
      clearInterval(heartbeat);
      this.#running.delete(message.reply);
    }
  }
}
