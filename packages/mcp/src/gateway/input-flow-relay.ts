import { ProtocolError } from '@modelcontextprotocol/server';
import { type EventBus, type Logger, silentLogger } from '@parley/core';
import { z } from 'zod';
import { McpErrorCode } from '../errors.ts';
import { openInbox } from './bus-inbox.ts';
import { LazySubscription } from './lazy-subscription.ts';
import { RELAY_TAKE_MS } from './replica-id.ts';
import { toProtocolError } from './run-hop.ts';

/** A caller's retry for a held flow: whose it is, what it targets, and the answers it carries. */
export interface Continuation {
  readonly id: string;
  readonly owner: string;
  readonly target: string;
  readonly responses: Record<string, unknown> | undefined;
}

/** The next leg of a flow, run on the replica that holds it; undefined when it holds no such flow for this caller. */
export type ContinueHere = (continuation: Continuation) => Promise<unknown> | undefined;

const continuationMessage = z.object({
  id: z.string(),
  owner: z.string(),
  target: z.string(),
  responses: z.record(z.string(), z.unknown()).optional(),
  reply: z.string(),
});

const replyMessage = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('taken'), taken: z.boolean() }),
  z.object({ kind: z.literal('result'), result: z.unknown() }),
  z.object({
    kind: z.literal('error'),
    error: z.object({ code: z.number(), message: z.string(), data: z.unknown().optional() }),
  }),
]);
type Reply = z.infer<typeof replyMessage>;

const topicOf = (replica: string) => `mcp.input-flow.${replica}`;

/**
 * Carries a retry for a held input flow to the replica that holds it, and the
 * next leg's answer back, over the event bus (Redis when there are several
 * replicas): the upstream request stays where it was opened, the retry may
 * land anywhere. The holding replica first says whether it took the retry
 * (an unknown flow, another caller's, or a gone replica fail fast), then
 * sends the answer or the error as the caller should see it.
 */
export class InputFlowRelay {
  readonly #bus: EventBus;
  readonly #replica: string;
  readonly #answerMs: number;
  readonly #logger: Logger | undefined;
  #serving: LazySubscription | undefined;

  constructor(options: { bus: EventBus; replica: string; answerMs: number; logger?: Logger | undefined }) {
    this.#bus = options.bus;
    this.#replica = options.replica;
    this.#answerMs = options.answerMs;
    this.#logger = options.logger;
  }

  /** Takes retries for this replica's flows from now on (idempotent; awaited before a flow is first named). */
  serve(continueHere: ContinueHere): Promise<void> {
    this.#serving ??= new LazySubscription(this.#bus, topicOf(this.#replica), (payload) => {
      const parsed = continuationMessage.safeParse(payload);
      if (parsed.success) void this.#answer(parsed.data, continueHere);
    });
    return this.#serving.ready();
  }

  /** Runs the flow's next leg on `replica` and answers as that replica would have. */
  async forward(replica: string, continuation: Continuation): Promise<unknown> {
    const inbox = await openInbox(this.#bus, 'mcp.input-flow.reply', replyMessage);
    try {
      await this.#bus.publish(topicOf(replica), { ...continuation, reply: inbox.topic });
      const taken = await inbox.next(RELAY_TAKE_MS);
      if (taken?.kind !== 'taken' || !taken.taken) throw unknownFlow();
      const answer = await inbox.next(this.#answerMs);
      if (answer?.kind === 'result') return answer.result;
      if (answer?.kind === 'error') throw new ProtocolError(answer.error.code, answer.error.message, answer.error.data);
      throw new ProtocolError(McpErrorCode.InternalError, 'the replica holding this request did not answer in time');
    } finally {
      inbox.close();
    }
  }

  async close(): Promise<void> {
    await this.#serving?.close();
  }

  async #answer(message: z.infer<typeof continuationMessage>, continueHere: ContinueHere): Promise<void> {
    const send = (payload: Reply) =>
      this.#bus.publish(message.reply, payload).catch((error: unknown) => {
        this.#logger?.warn({ err: error }, 'answering a relayed input-flow retry failed');
      });
    const leg = continueHere({
      id: message.id,
      owner: message.owner,
      target: message.target,
      responses: message.responses,
    });
    await send({ kind: 'taken', taken: leg !== undefined });
    if (leg === undefined) return;
    try {
      await send({ kind: 'result', result: await leg });
    } catch (error) {
      const { code, message: text, data } = toProtocolError(error, this.#logger ?? silentLogger());
      await send({ kind: 'error', error: { code, message: text, ...(data === undefined ? {} : { data }) } });
    }
  }
}

/** What a retry for an unknown, expired or foreign flow gets, on every replica alike. */
export function unknownFlow(): ProtocolError {
  return new ProtocolError(
    McpErrorCode.InvalidParams,
    'the input request this retry answers is unknown or expired; send the request again',
  );
}
