import { randomBytes } from 'node:crypto';
import type { EventBus } from '@parley/core';
import type { z } from 'zod';

/** Replies addressed to one waiting request, in the order they were published. */
export interface BusInbox<T> {
  /** The topic to send the replies to. */
  readonly topic: string;
  /** The next reply; undefined once `withinMs` passed or `signal` aborted with none. */
  next(withinMs?: number, signal?: AbortSignal): Promise<T | undefined>;
  close(): void;
}

/**
 * A fresh reply topic under `prefix` on `bus`, subscribed before this
 * resolves (so no reply can come too early), keeping what `schema` accepts.
 */
export async function openInbox<T>(bus: EventBus, prefix: string, schema: z.ZodType<T>): Promise<BusInbox<T>> {
  const topic = `${prefix}.${randomBytes(12).toString('base64url')}`;
  const queue: T[] = [];
  let wake: (() => void) | undefined;
  const close = await bus.subscribe(topic, (payload) => {
    const parsed = schema.safeParse(payload);
    if (!parsed.success) return;
    queue.push(parsed.data);
    wake?.();
  });
  const next = async (withinMs?: number, signal?: AbortSignal): Promise<T | undefined> => {
    while (queue.length === 0) {
      if (signal?.aborted) return undefined;
      const arrived = await new Promise<boolean>((resolve) => {
        const timer = withinMs === undefined ? undefined : setTimeout(() => resolve(false), withinMs);
        const onAbort = () => resolve(false);
        signal?.addEventListener('abort', onAbort, { once: true });
        wake = () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve(true);
        };
      });
      wake = undefined;
      if (!arrived && queue.length === 0) return undefined;
    }
    return queue.shift();
  };
  return { topic, next, close };
}
