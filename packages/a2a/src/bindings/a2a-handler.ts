import type { Caller } from '@parley/core';
import type { AgentCard } from '../wire/schemas/agent-card.ts';
import type {
  Message,
  SendMessageResponse,
  StreamResponse,
  Task,
  TaskPushNotificationConfig,
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

/** The protocol version a request speaks; 0.3 shapes are converted at the edge. */
export type ProtocolVersion = '1.0' | '0.3';

/** Who is calling, as the handler needs it. */
export interface CallContext {
  /** Opaque owner key: tasks are visible and controllable only by the same owner. */
  readonly owner: string;
  /** Present when the request was authenticated through the pipeline. */
  readonly caller: Caller | undefined;
  readonly version: ProtocolVersion;
  /** Aborts when the client goes away. */
  readonly signal?: AbortSignal;
}

/** A stream of events; errors before the first event may be thrown by the promise. */
export type StreamResult = AsyncIterable<StreamResponse> | Promise<AsyncIterable<StreamResponse>>;

/** @see https://a2a-protocol.org/v1.0.0/specification/#315-list-tasks */
export interface ListTasksResponse {
  tasks: Task[];
  nextPageToken: string;
  pageSize: number;
  totalSize: number;
}

export interface ListTaskPushNotificationConfigsResponse {
  configs: TaskPushNotificationConfig[];
  nextPageToken: string;
}

/**
 * The eleven operations of the A2A service, independent of the binding. The
 * agent runtime, the proxy and remote clients implement it; the JSON-RPC and
 * HTTP+JSON bindings call it.
 * @see https://a2a-protocol.org/v1.0.0/specification/#3-a2a-protocol-operations
 */
export interface A2AHandler {
  sendMessage(request: SendMessageRequest, context: CallContext): Promise<SendMessageResponse>;
  sendStreamingMessage(request: SendMessageRequest, context: CallContext): StreamResult;
  getTask(request: GetTaskRequest, context: CallContext): Promise<Task>;
  listTasks(request: ListTasksRequest, context: CallContext): Promise<ListTasksResponse>;
  cancelTask(request: CancelTaskRequest, context: CallContext): Promise<Task>;
  subscribeToTask(request: SubscribeToTaskRequest, context: CallContext): StreamResult;
  createTaskPushNotificationConfig(
    request: TaskPushNotificationConfig,
    context: CallContext,
  ): Promise<TaskPushNotificationConfig>;
  getTaskPushNotificationConfig(
    request: GetTaskPushNotificationConfigRequest,
    context: CallContext,
  ): Promise<TaskPushNotificationConfig>;
  listTaskPushNotificationConfigs(
    request: ListTaskPushNotificationConfigsRequest,
    context: CallContext,
  ): Promise<ListTaskPushNotificationConfigsResponse>;
  deleteTaskPushNotificationConfig(request: GetTaskPushNotificationConfigRequest, context: CallContext): Promise<void>;
  getExtendedAgentCard(context: CallContext): Promise<AgentCard>;
}

/** Concatenated text parts of a message (skill matching, policy arguments, demos). */
export function messageText(message: Pick<Message, 'parts'>): string {
  return message.parts
    .map((part) => part.text ?? '')
    .filter((text) => text !== '')
    .join('\n');
}
