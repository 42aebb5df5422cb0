import type { FetchFunction } from '@parley/core';
import type { z } from 'zod';
import type {
  A2AHandler,
  CallContext,
  ListTaskPushNotificationConfigsResponse,
  ListTasksResponse,
} from '../bindings/a2a-handler.ts';
import { A2AError, a2aErrorFromCode } from '../wire/errors.ts';
import { type AgentCard, agentCardSchema } from '../wire/schemas/agent-card.ts';
import {
  type SendMessageResponse,
  type StreamResponse,
  sendMessageResponseSchema,
  streamResponseSchema,
  type Task,
  type TaskPushNotificationConfig,
  taskPushNotificationConfigSchema,
  taskSchema,
} from '../wire/schemas/core.ts';
import type {
  CancelTaskRequest,
  GetTaskPushNotificationConfigRequest,
  GetTaskRequest,
  ListTaskPushNotificationConfigsRequest,
  ListTasksRequest,
  SendMessageRequest,
  SubscribeToTaskRequest,
} from '../wire/schemas/requests.ts';
import { readSse } from './sse-reader.ts';

export interface RemoteAgentClientOptions {
  /** The agent's JSON-RPC 1.0 interface URL. */
  readonly url: string;
  readonly fetch: FetchFunction;
  /** The `Authorization` header value for a call made for `context` (a fresh, audience-bound token). */
  readonly authorization?: (context: CallContext) => Promise<string | undefined>;
}

/**
 * An A2A client over the JSON-RPC binding, as an A2AHandler: the proxy
 * forwards to remote agents through it. Every answer is validated; a
 * malformed one is InvalidAgentResponseError.
 * @see https://a2a-protocol.org/v1.0.0/specification/#9-json-rpc-protocol-binding
 */
export class RemoteAgentClient implements A2AHandler {
  readonly #options: RemoteAgentClientOptions;
  #nextId = 1;

  constructor(options: RemoteAgentClientOptions) {
    this.#options = options;
  }

  async sendMessage(request: SendMessageRequest, context: CallContext): Promise<SendMessageResponse> {
    return this.#call('SendMessage', request, context, sendMessageResponseSchema) as Promise<SendMessageResponse>;
  }
  sendStreamingMessage(request: SendMessageRequest, context: CallContext): Promise<AsyncIterable<StreamResponse>> {
    return this.#stream('SendStreamingMessage', request, context);
  }
  getTask(request: GetTaskRequest, context: CallContext): Promise<Task> {
    return this.#call('GetTask', request, context, taskSchema);
  }
  async listTasks(request: ListTasksRequest, context: CallContext): Promise<ListTasksResponse> {
    const result = (await this.#call('ListTasks', request, context)) as Partial<ListTasksResponse>;
    const tasks = (result.tasks ?? []).map((task) => parse(taskSchema, task));
    return {
      tasks,
      nextPageToken: result.nextPageToken ?? '',
      pageSize: result.pageSize ?? tasks.length,
      totalSize: result.totalSize ?? tasks.length,
    };
  }
  cancelTask(request: CancelTaskRequest, context: CallContext): Promise<Task> {
    return this.#call('CancelTask', request, context, taskSchema);
  }
  subscribeToTask(request: SubscribeToTaskRequest, context: CallContext): Promise<AsyncIterable<StreamResponse>> {
    return this.#stream('SubscribeToTask', request, context);
  }
  createTaskPushNotificationConfig(
    request: TaskPushNotificationConfig,
    context: CallContext,
  ): Promise<TaskPushNotificationConfig> {
    return this.#call('CreateTaskPushNotificationConfig', request, context, taskPushNotificationConfigSchema);
  }
  getTaskPushNotificationConfig(
    request: GetTaskPushNotificationConfigRequest,
    context: CallContext,
  ): Promise<TaskPushNotificationConfig> {
    return this.#call('GetTaskPushNotificationConfig', request, context, taskPushNotificationConfigSchema);
  }
  async listTaskPushNotificationConfigs(
    request: ListTaskPushNotificationConfigsRequest,
    context: CallContext,
  ): Promise<ListTaskPushNotificationConfigsResponse> {
    const result = (await this.#call('ListTaskPushNotificationConfigs', request, context)) as {
      configs?: unknown[];
      nextPageToken?: string;
    };
    return {
      configs: (result.configs ?? []).map((config) => parse(taskPushNotificationConfigSchema, config)),
      nextPageToken: result.nextPageToken ?? '',
    };
  }
  async deleteTaskPushNotificationConfig(
    request: GetTaskPushNotificationConfigRequest,
    context: CallContext,
  ): Promise<void> {
    await this.#call('DeleteTaskPushNotificationConfig', request, context);
  }
  getExtendedAgentCard(context: CallContext): Promise<AgentCard> {
    return this.#call('GetExtendedAgentCard', {}, context, agentCardSchema);
  }

  async #post(
    method: string,
    params: unknown,
    context: CallContext,
    accept: string,
  ): Promise<{ id: number; response: Response }> {
    const id = this.#nextId++;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept,
      'a2a-version': '1.0',
    };
    const authorization = await this.#options.authorization?.(context);
    if (authorization) headers.authorization = authorization;
    const response = await this.#options.fetch(this.#options.url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ jsonrpc: '2.0', id, method, params }),
      ...(context.signal ? { signal: context.signal } : {}),
    });
    return { id, response };
  }

  async #call<T>(method: string, params: unknown, context: CallContext, schema?: z.ZodType<T>): Promise<T> {
    const { response } = await this.#post(method, params, context, 'application/json');
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      throw new A2AError(
        'InvalidAgentResponseError',
        `remote agent answered ${method} with ${response.status} and no JSON`,
      );
    }
    const envelope = body as { result?: unknown; error?: { code?: unknown; message?: unknown } };
    if (envelope.error) throw remoteError(envelope.error);
    if (!response.ok)
      throw new A2AError('InvalidAgentResponseError', `remote agent answered ${method} with ${response.status}`);
    return schema ? parse(schema, envelope.result) : (envelope.result as T);
  }

  async #stream(method: string, params: unknown, context: CallContext): Promise<AsyncIterable<StreamResponse>> {
    const { response } = await this.#post(method, params, context, 'text/event-stream');
    const type = response.headers.get('content-type') ?? '';
    if (!type.startsWith('text/event-stream') || !response.body) {
      const body = (await response.json().catch(() => ({}))) as { error?: { code?: unknown; message?: unknown } };
      if (body.error) throw remoteError(body.error);
      throw new A2AError(
        'InvalidAgentResponseError',
        `remote agent answered ${method} with ${response.status}, not a stream`,
      );
    }
    const events = readSse(response.body);
    return (async function* () {
      for await (const event of events) {
        const envelope = JSON.parse(event.data) as { result?: unknown; error?: { code?: unknown; message?: unknown } };
        if (envelope.error) throw remoteError(envelope.error);
        yield parse(streamResponseSchema, envelope.result) as StreamResponse;
      }
    })();
  }
}

function remoteError(error: { code?: unknown; message?: unknown }): A2AError {
  const message = typeof error.message === 'string' ? error.message.slice(0, 300) : 'remote agent error';
  return a2aErrorFromCode(typeof error.code === 'number' ? error.code : -32603, message);
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new A2AError(
      'InvalidAgentResponseError',
      `remote agent answer is not valid A2A (${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''})`,
    );
  }
  return result.data;
}
