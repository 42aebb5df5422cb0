import type { Caller, Clock, EventBus } from '@parley/core';
import { APPROVAL_DECIDED_TOPIC, APPROVAL_REQUESTED_TOPIC, type PolicyService } from '@parley/policy';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { liveStreams } from './sse-stream.ts';

export interface ConsoleEventsOptions {
  bus: EventBus;
  clock: Clock;
  /** Looked up per request: the policy part publishes it. */
  policy: () => PolicyService | undefined;
  resourceUrl: string;
  callerOf: (request: FastifyRequest) => Caller;
  /** A comment line keeps proxies from closing an idle stream; ms. */
  heartbeatMs?: number;
}

/** The SSE event names, each carrying the approval as `data`. */
export const APPROVAL_EVENTS = {
  [APPROVAL_REQUESTED_TOPIC]: 'approval.requested',
  [APPROVAL_DECIDED_TOPIC]: 'approval.decided',
} as const;

/**
 * `GET /api/console/events`: a Server-Sent Events stream of approvals being
 * requested and decided, filtered to the ones the caller may read (the same
 * `approvals/read` rule as `/api/approvals`). It ends when the caller's token
 * expires, so a stream never outlives its credential. Browsers read it with
 * `fetch` (EventSource cannot send a bearer token).
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html
 */
export function consoleEventRoutes(app: FastifyInstance, options: ConsoleEventsOptions): void {
  const { bus, clock, resourceUrl } = options;
  const openStream = liveStreams(app);
  app.get('/api/console/events', async (request, reply) => {
    const caller = options.callerOf(request);
    const policy = options.policy();
    if (!policy) {
      return reply
        .status(503)
        .send({ error: { code: 'ERR_CONSOLE_NO_POLICY', message: 'approvals are not available' } });
    }
    const stream = openStream(request, reply, {
      expiresAt: caller.expiresAt,
      now: clock.now(),
      heartbeatMs: options.heartbeatMs,
    });
    const forward = (topic: keyof typeof APPROVAL_EVENTS) => (payload: unknown) => {
      const id = (payload as { id?: unknown } | undefined)?.id;
      if (typeof id !== 'string') return;
      policy.approvals.get(id).then(
        (approval) => {
          if (approval && policy.mayReadApproval(caller, approval, resourceUrl)) {
            stream.send(APPROVAL_EVENTS[topic], approval);
          }
        },
        (error: unknown) => request.log.warn({ err: error, approval: id }, 'console event: approval not readable'),
      );
    };
    const unsubscribe = await Promise.all(
      ([APPROVAL_REQUESTED_TOPIC, APPROVAL_DECIDED_TOPIC] as const).map((topic) =>
        bus.subscribe(topic, forward(topic)),
      ),
    );
    stream.onClose(() => {
      for (const off of unsubscribe) off();
    });
    // Tells the client the stream is live, so it can load the list once and then rely on events.
    stream.send('ready', { at: clock.now() });
  });
}
