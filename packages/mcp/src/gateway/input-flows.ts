import { randomBytes } from 'node:crypto';
import type { ClientCapabilities, InputRequiredResult } from '@modelcontextprotocol/server';
import type { Caller, EventBus, Logger } from '@parley/core';
import { McpErrorCode, McpGatewayError } from '../errors.ts';
import type { CallRelay } from '../upstream/call-relay.ts';
import { callerCanAnswer } from '../upstream/input-required.ts';
import { type Continuation, InputFlowRelay, unknownFlow } from './input-flow-relay.ts';
import { newReplicaId, replicaOf } from './replica-id.ts';

/** What one leg of a flow ends with: the upstream's answer, or requests for the caller. */
type Leg = { kind: 'answer'; result: unknown } | { kind: 'failure'; error: unknown } | { kind: 'asks' };

interface Asked {
  readonly method: 'elicitation/create' | 'sampling/createMessage';
  readonly params: Record<string, unknown>;
  resolve(answer: Record<string, unknown>): void;
}

const PREFIX = 'parley-flow.';

/**
 * One upstream request, held open across the caller's retries while its upstream
 * waits for answers it asked for on the call's stream (a 2025-era server's
 * `elicitation/create` or `sampling/createMessage`).
 */
class Flow {
  /** Named only once held: most requests answer without asking anything. */
  id: string | undefined;
  readonly abort = new AbortController();
  readonly #asked = new Map<string, Asked>();
  #settled: Leg | undefined;
  #wake: (() => void) | undefined;
  #asks = 0;
  expiry: NodeJS.Timeout | undefined;

  readonly owner: string;
  readonly target: string;

  constructor(owner: string, target: string) {
    this.owner = owner;
    this.target = target;
  }

  /** Follows the upstream call this flow holds open. */
  track(call: Promise<unknown>): void {
    call.then(
      (result) => this.#settle({ kind: 'answer', result }),
      (error: unknown) => this.#settle({ kind: 'failure', error }),
    );
  }

  /** The upstream's request, parked until the caller answers it. */
  ask(method: Asked['method'], params: Record<string, unknown>): Promise<Record<string, unknown>> {
    return new Promise((resolve) => {
      this.#asked.set(`${method === 'elicitation/create' ? 'elicit' : 'sample'}-${++this.#asks}`, {
        method,
        params,
        resolve,
      });
      this.#wake?.();
    });
  }

  /** Passes on the caller's answers, by the keys they were asked under; the others stay asked. */
  answer(responses: Record<string, unknown> | undefined): void {
    for (const [key, asked] of this.#asked) {
      const response = responses?.[key];
      if (typeof response !== 'object' || response === null) continue;
      this.#asked.delete(key);
      asked.resolve(response as Record<string, unknown>);
    }
  }

  /** Waits until the upstream answers, or has asked for something (and nothing asked is unanswered). */
  async next(): Promise<Leg> {
    while (!this.#settled && this.#asked.size === 0) {
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
      this.#wake = undefined;
    }
    return this.#settled ?? { kind: 'asks' };
  }

  /** The open requests, as an `input_required` result whose state names this flow. */
  inputRequired(): InputRequiredResult {
    const inputRequests = Object.fromEntries(
      [...this.#asked].map(([key, asked]) => [key, { method: asked.method, params: asked.params }]),
    );
    return { resultType: 'input_required', inputRequests, requestState: `${PREFIX}${this.id}` } as InputRequiredResult;
  }

  #settle(leg: Leg): void {
    this.#settled = leg;
    this.#wake?.();
  }
}

/**
 * Elicitation and sampling for stateless (2026-07-28) callers of upstreams
 * that ask on the call's stream (2025-era servers, every stdio one): the
 * caller cannot be sent a request, so the gateway answers its request
 * (`tools/call`, `prompts/get`, `resources/read`) with `input_required` naming
 * what the upstream asked, keeps the upstream request open, and passes the
 * answers the caller's retry carries to the waiting upstream. The retry's
 * `requestState` names the flow; only the caller that started it may continue
 * it, for the same target (method and name). A flow lives on the replica that
 * holds the upstream request, whose id is part of the flow's name; with a bus,
 * a retry that lands on another replica is relayed to it (`InputFlowRelay`).
 * A flow is dropped (the upstream request cancelled) when no retry comes
 * within `idleMs`.
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/patterns/mrtr
 */
export class InputFlows {
  readonly #flows = new Map<string, Flow>();
  readonly #idleMs: number;
  /** This replica's part of every flow id it names. */
  readonly #replica: string;
  readonly #relay: InputFlowRelay | undefined;

  constructor(options: {
    idleMs: number;
    bus?: EventBus | undefined;
    logger?: Logger | undefined;
    /** This gateway process's id (`newReplicaId`), shared with its other relays. */
    replica?: string;
  }) {
    this.#idleMs = options.idleMs;
    this.#replica = options.replica ?? newReplicaId();
    this.#relay = options.bus
      ? new InputFlowRelay({
          bus: options.bus,
          replica: this.#replica,
          answerMs: options.idleMs,
          logger: options.logger,
        })
      : undefined;
  }

  /** Whether `requestState` names a flow of this gateway (rather than an upstream's own state). */
  static names(requestState: unknown): requestState is string {
    return typeof requestState === 'string' && requestState.startsWith(PREFIX);
  }

  /**
   * Starts `call` with a relay that parks the upstream's requests in a new
   * flow, and answers with the call's result or, if the upstream asks for
   * something first, with `input_required`. What the caller did not declare it
   * can answer is refused to the upstream at once (an elicitation declined,
   * sampling an error), as it would be on a session.
   */
  async start(
    caller: Caller,
    declared: ClientCapabilities,
    target: string,
    relay: CallRelay,
    call: (relay: CallRelay) => Promise<unknown>,
  ): Promise<unknown> {
    const flow = new Flow(ownerOf(caller), target);
    flow.track(
      call({
        ...relay,
        // The call outlives the request that started it, when it asks the caller for something.
        signal: flow.abort.signal,
        elicit: async (params) => {
          const request = { method: 'elicitation/create', params };
          if (!callerCanAnswer(request, declared)) return { action: 'decline' };
          return (await flow.ask('elicitation/create', params)) as never;
        },
        sample: async (params) => {
          if (!callerCanAnswer({ method: 'sampling/createMessage', params }, declared)) {
            throw new McpGatewayError('ERR_MCP_NO_SAMPLING', McpErrorCode.InvalidParams, 'the caller cannot sample');
          }
          return flow.ask('sampling/createMessage', params);
        },
      }),
    );
    // Until the caller has been asked, leaving cancels the call; afterwards only the idle timer does.
    const leave = () => flow.abort.abort(relay.signal.reason);
    relay.signal.addEventListener('abort', leave, { once: true });
    try {
      return await this.#leg(flow);
    } finally {
      relay.signal.removeEventListener('abort', leave);
    }
  }

  /**
   * Passes the retry's answers to the flow `requestState` names, and answers
   * as `start` does: here, or through the replica holding the flow.
   */
  async continue(
    caller: Caller,
    target: string,
    requestState: string,
    responses: Record<string, unknown> | undefined,
  ): Promise<unknown> {
    const id = requestState.slice(PREFIX.length);
    const continuation = { id, owner: ownerOf(caller), target, responses };
    // The state is the caller's to send: only a well-formed replica id is looked for on the bus.
    const replica = replicaOf(id);
    if (this.#relay && replica !== this.#replica) {
      if (replica === undefined) throw unknownFlow();
      return this.#relay.forward(replica, continuation);
    }
    const leg = this.#continueHere(continuation);
    if (leg === undefined) throw unknownFlow();
    return leg;
  }

  /** Cancels every open flow's upstream call, and stops taking relayed retries. */
  async close(): Promise<void> {
    for (const flow of this.#flows.values()) this.#drop(flow);
    await this.#relay?.close();
  }

  /** The next leg of a flow held here, if `continuation` may continue it. */
  #continueHere(continuation: Continuation): Promise<unknown> | undefined {
    const flow = this.#flows.get(continuation.id);
    if (!flow || flow.owner !== continuation.owner || flow.target !== continuation.target) return undefined;
    clearTimeout(flow.expiry);
    this.#flows.delete(continuation.id);
    flow.answer(continuation.responses);
    return this.#leg(flow);
  }

  async #leg(flow: Flow): Promise<unknown> {
    const leg = await flow.next();
    if (leg.kind === 'answer') return leg.result;
    if (leg.kind === 'failure') throw leg.error;
    if (flow.id === undefined) {
      // Other replicas relay retries for this flow here: listen before the caller can learn its name.
      await this.#relay?.serve((continuation) => this.#continueHere(continuation));
      flow.id = `${this.#replica}.${randomBytes(18).toString('base64url')}`;
    }
    this.#flows.set(flow.id, flow);
    flow.expiry = setTimeout(() => this.#drop(flow), this.#idleMs);
    flow.expiry.unref();
    return flow.inputRequired();
  }

  #drop(flow: Flow): void {
    clearTimeout(flow.expiry);
    if (flow.id !== undefined) this.#flows.delete(flow.id);
    flow.abort.abort(new Error('no answer to the input request in time'));
  }
}

/** Who may continue a flow: the same principal, acting through the same chain for the same user. */
function ownerOf(caller: Caller): string {
  return JSON.stringify([caller.principal, caller.actorChain, caller.onBehalfOf ?? null]);
}
