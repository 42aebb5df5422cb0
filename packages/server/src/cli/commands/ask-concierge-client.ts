import { randomUUID } from 'node:crypto';
import { ParleyError, serverSentData } from '@parley/core';
import { z } from 'zod';

/** RFC 8693 token type of a Parley API key used as the subject token. */

const part = z.looseObject({ text: z.string().optional(), data: z.unknown().optional() });
const message = z.looseObject({ parts: z.array(part).default([]), taskId: z.string().optional() });
const status = z.looseObject({ state: z.string(), message: message.optional() });
const artifact = z.looseObject({ artifactId: z.string().optional(), parts: z.array(part).default([]) });

/** One A2A StreamResponse: exactly one of its fields is set. @see https://a2a-protocol.org/latest/specification/#323-stream-response */
export const streamResponseSchema = z.looseObject({
  task: z
    .looseObject({
      id: z.string(),
      contextId: z.string().optional(),
      status,
      artifacts: z.array(artifact).optional(),
      metadata: z.unknown().optional(),
    })
    .optional(),
  message: message.optional(),
  statusUpdate: z
    .looseObject({ taskId: z.string(), contextId: z.string().optional(), status, metadata: z.unknown().optional() })
    .optional(),
  artifactUpdate: z.looseObject({ taskId: z.string(), artifact }).optional(),
});
export type StreamResponse = z.infer<typeof streamResponseSchema>;

/** What `parley ask` needs from the concierge; faked in tests. */
export interface ConciergePort {
  /** SendStreamingMessage: a new ask, or a reply on `taskId` when given. */
  send(
    text: string,
    options: { taskId?: string; contextId?: string; signal: AbortSignal },
  ): AsyncIterable<StreamResponse>;
  cancel(taskId: string): Promise<void>;
  /** The W3C trace id of the last streamed response, when the server sent one. */
  readonly traceId: string | undefined;
}

/** The concierge over A2A JSON-RPC, streaming with Server-Sent Events. */
export class ConciergeClient implements ConciergePort {
  readonly #endpoint: string;
  readonly #token: () => Promise<string>;
  readonly #fetch: typeof fetch;
  traceId: string | undefined;

  /** `token` is an API key or access token, or a source giving a fresh access token per request. */
  constructor(endpoint: string, token: string | (() => Promise<string>), fetchImpl: typeof fetch = fetch) {
    this.#endpoint = endpoint;
    this.#token = typeof token === 'string' ? async () => token : token;
    this.#fetch = fetchImpl;
  }

  async *send(
    text: string,
    options: { taskId?: string; contextId?: string; signal: AbortSignal },
  ): AsyncIterable<StreamResponse> {
    const response = await this.#rpc(
      'SendStreamingMessage',
      {
        message: {
          messageId: randomUUID(),
          role: 'ROLE_USER',
          parts: [{ text }],
          ...(options.taskId ? { taskId: options.taskId } : {}),
          ...(options.contextId ? { contextId: options.contextId } : {}),
        },
      },
      options.signal,
    );
    this.traceId = traceIdOf(response.headers.get('traceparent')) ?? this.traceId;
    if (!response.body) return;
    for await (const data of serverSentData(response.body)) {
      const envelope = JSON.parse(data) as { result?: unknown; error?: { code?: number; message?: string } };
      if (envelope.error) throw rpcError(envelope.error);
      yield streamResponseSchema.parse(envelope.result);
    }
  }

  async cancel(taskId: string): Promise<void> {
    await this.#rpc('CancelTask', { id: taskId }, AbortSignal.timeout(10_000)).catch(() => undefined);
  }

  async #rpc(method: string, params: unknown, signal: AbortSignal): Promise<Response> {
    const token = await this.#token();
    const response = await reach(this.#endpoint, () =>
      this.#fetch(this.#endpoint, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          accept: 'text/event-stream, application/json',
          'a2a-version': '1.0',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: randomUUID(), method, params }),
        signal,
      }),
    );
    if (!response.ok) {
      const data = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
      throw new ParleyError(
        data.error?.code ?? `ERR_HTTP_${response.status}`,
        data.error?.message ?? `the concierge answered ${response.status}`,
        {
          status: response.status,
        },
      );
    }
    if (!(response.headers.get('content-type') ?? '').includes('text/event-stream')) {
      const data = (await response.json().catch(() => ({}))) as { error?: { code?: number; message?: string } };
      if (data.error) throw rpcError(data.error);
    }
    return response;
  }
}

function traceIdOf(traceparent: string | null): string | undefined {
  return traceparent?.split('-')[1];
}

function rpcError(error: { code?: number; message?: string }): ParleyError {
  return new ParleyError(
    'ERR_CLI_CONCIERGE',
    `the concierge refused the request: ${error.message ?? `error ${error.code}`}`,
    {
      status: 502,
    },
  );
}

async function reach(url: string, send: () => Promise<Response>): Promise<Response> {
  try {
    return await send();
  } catch (error) {
    if (error instanceof Error && error.name === 'AbortError') throw error;
    throw new ParleyError('ERR_CLI_UNREACHABLE', `no Parley server answers at ${url} (start one with \`parley dev\`)`, {
      status: 503,
      cause: error,
    });
  }
}
