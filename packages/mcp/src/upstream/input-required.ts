import {
  type ClientCapabilities,
  isInputRequiredResult,
  MissingRequiredClientCapabilityError,
  type ServerContext,
} from '@modelcontextprotocol/server';
import { upstreamAnswerError } from '../errors.ts';

/** The requests an `input_required` result may embed. */
const INPUT_REQUEST_METHODS = new Set(['elicitation/create', 'sampling/createMessage', 'roots/list']);

/**
 * What a caller sends back when it retries a request an upstream answered with
 * `input_required`: its answers, keyed as the upstream keyed its requests, and
 * the upstream's `requestState`, byte for byte. The gateway relays both
 * unchanged; the state is the upstream's to verify.
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/patterns/mrtr
 */
export interface InputRetry {
  readonly inputResponses?: Record<string, unknown>;
  readonly requestState?: string;
}

/** The retry a request the SDK's server dispatched carries (a 2026-07-28 retry, or a 2025 session's shimmed round). */
export function inputRetryOf(ctx: ServerContext): InputRetry | undefined {
  const { inputResponses } = ctx.mcpReq;
  // With no verify hook configured, the accessor hands back the raw wire string.
  const requestState = ctx.mcpReq.requestState<unknown>();
  const retry: InputRetry = {
    ...(inputResponses && Object.keys(inputResponses).length > 0 ? { inputResponses } : {}),
    ...(typeof requestState === 'string' ? { requestState } : {}),
  };
  return Object.keys(retry).length === 0 ? undefined : retry;
}

/**
 * An upstream's answer, passed on when it is a complete result or a
 * well-formed `input_required` one: the discriminator, `inputRequests` (an
 * object of embedded elicitation, sampling or roots requests) and/or
 * `requestState` (a string), at least one of the two. Anything else that
 * claims to be `input_required` is a bad answer.
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/patterns/mrtr
 */
export function passInputRequired<T>(result: T): T {
  if (isInputRequiredResult(result) && !isWellFormed(result as Record<string, unknown>)) {
    throw upstreamAnswerError('sent a malformed input_required result');
  }
  return result;
}

function isWellFormed(result: Record<string, unknown>): boolean {
  const { inputRequests, requestState } = result;
  if (requestState !== undefined && typeof requestState !== 'string') return false;
  if (inputRequests !== undefined) {
    if (typeof inputRequests !== 'object' || inputRequests === null || Array.isArray(inputRequests)) return false;
    for (const request of Object.values(inputRequests)) {
      const method = (request as { method?: unknown } | null)?.method;
      if (typeof method !== 'string' || !INPUT_REQUEST_METHODS.has(method)) return false;
    }
  }
  return (inputRequests !== undefined && Object.keys(inputRequests).length > 0) || requestState !== undefined;
}

/**
 * Refuses an `input_required` result that asks the caller for something its
 * request's `clientCapabilities` did not declare: a server MUST NOT send such
 * a request, and the gateway answers for the upstream as the SDK's server
 * does on the other path (`-32021`, HTTP 400). Modes are sub-capabilities
 * (URL elicitation needs `elicitation.url`, form needs `elicitation.form`, which
 * a bare `elicitation: {}` declares); sampling with tools needs `sampling.tools`.
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/patterns/mrtr
 */
export function assertCallerCanAnswer(result: Record<string, unknown>, declared: ClientCapabilities): void {
  const requests = (result.inputRequests ?? {}) as Record<string, { method: string; params?: Record<string, unknown> }>;
  for (const [key, request] of Object.entries(requests)) {
    const missing = missingCapability(request, declared as Record<string, Record<string, unknown> | undefined>);
    if (missing) {
      throw new MissingRequiredClientCapabilityError(
        { requiredCapabilities: missing },
        `Cannot request input '${key}' (${request.method}): the request's client capabilities do not declare the required capability`,
      );
    }
  }
}

/** Whether a caller that declared `declared` may be sent `request` (an elicitation, sampling or roots request). */
export function callerCanAnswer(
  request: { method: string; params?: Record<string, unknown> },
  declared: ClientCapabilities,
): boolean {
  return missingCapability(request, declared as Record<string, Record<string, unknown> | undefined>) === undefined;
}

function missingCapability(
  request: { method: string; params?: Record<string, unknown> },
  declared: Record<string, Record<string, unknown> | undefined>,
): ClientCapabilities | undefined {
  const { method, params } = request;
  if (method === 'elicitation/create') {
    const elicitation = declared.elicitation;
    const mode = params?.mode === 'url' ? 'url' : 'form';
    if (!elicitation) return { elicitation: { [mode]: {} } };
    const bare = elicitation.form === undefined && elicitation.url === undefined;
    return elicitation[mode] !== undefined || (mode === 'form' && bare) ? undefined : { elicitation: { [mode]: {} } };
  }
  if (method === 'sampling/createMessage') {
    const needsTools = params?.tools !== undefined || params?.toolChoice !== undefined;
    if (!declared.sampling) return needsTools ? { sampling: { tools: {} } } : { sampling: {} };
    return needsTools && declared.sampling.tools === undefined ? { sampling: { tools: {} } } : undefined;
  }
  if (method === 'roots/list') return declared.roots ? undefined : { roots: {} };
  return undefined;
}
