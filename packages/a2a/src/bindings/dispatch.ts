import type { z } from 'zod';
import { A2AError } from '../wire/errors.ts';
import { pushConfigToLegacy, streamResponseToLegacy, taskToLegacy } from '../wire/legacy.ts';
import type { StreamResponse, Task, TaskPushNotificationConfig } from '../wire/schemas/core.ts';
import { taskPushNotificationConfigSchema } from '../wire/schemas/core.ts';
import {
  cancelTaskRequestSchema,
  deleteTaskPushNotificationConfigRequestSchema,
  getExtendedAgentCardRequestSchema,
  getTaskPushNotificationConfigRequestSchema,
  getTaskRequestSchema,
  listTaskPushNotificationConfigsRequestSchema,
  listTasksRequestSchema,
  sendMessageRequestSchema,
  subscribeToTaskRequestSchema,
} from '../wire/schemas/requests.ts';
import type { A2AHandler, CallContext } from './a2a-handler.ts';

interface MethodSpec {
  readonly schema: z.ZodType;
  readonly streaming: boolean;
  // biome-ignore lint/suspicious/noExplicitAny: params are validated by `schema` just before the call.
  readonly call: (handler: A2AHandler, params: any, context: CallContext) => unknown;
  /** The 0.3 shape of a result. */
  readonly legacy?: (result: unknown) => unknown;
}

const legacyTask = (result: unknown) => taskToLegacy(result as Task);
const legacyPush = (result: unknown) => pushConfigToLegacy(result as TaskPushNotificationConfig);

/**
 * The A2A 1.0 methods by name: request schema, handler call, and how a 0.3
 * client sees the result.
 * @see https://a2a-protocol.org/v1.0.0/specification/#91-protocol-requirements
 */
export const A2A_METHODS: Readonly<Record<string, MethodSpec>> = {
  SendMessage: {
    schema: sendMessageRequestSchema,
    streaming: false,
    call: (h, p, c) => h.sendMessage(p, c),
    legacy: (result) => streamResponseToLegacy(result as StreamResponse),
  },
  SendStreamingMessage: {
    schema: sendMessageRequestSchema,
    streaming: true,
    call: (h, p, c) => h.sendStreamingMessage(p, c),
  },
  GetTask: { schema: getTaskRequestSchema, streaming: false, call: (h, p, c) => h.getTask(p, c), legacy: legacyTask },
  ListTasks: { schema: listTasksRequestSchema, streaming: false, call: (h, p, c) => h.listTasks(p, c) },
  CancelTask: {
    schema: cancelTaskRequestSchema,
    streaming: false,
    call: (h, p, c) => h.cancelTask(p, c),
    legacy: legacyTask,
  },
  SubscribeToTask: {
    schema: subscribeToTaskRequestSchema,
    streaming: true,
    call: (h, p, c) => h.subscribeToTask(p, c),
  },
  CreateTaskPushNotificationConfig: {
    schema: taskPushNotificationConfigSchema,
    streaming: false,
    call: (h, p, c) => h.createTaskPushNotificationConfig(p, c),
    legacy: legacyPush,
  },
  GetTaskPushNotificationConfig: {
    schema: getTaskPushNotificationConfigRequestSchema,
    streaming: false,
    call: (h, p, c) => h.getTaskPushNotificationConfig(p, c),
    legacy: legacyPush,
  },
  ListTaskPushNotificationConfigs: {
    schema: listTaskPushNotificationConfigsRequestSchema,
    streaming: false,
    call: (h, p, c) => h.listTaskPushNotificationConfigs(p, c),
    legacy: (result) => (result as { configs: TaskPushNotificationConfig[] }).configs.map(pushConfigToLegacy),
  },
  DeleteTaskPushNotificationConfig: {
    schema: deleteTaskPushNotificationConfigRequestSchema,
    streaming: false,
    call: async (h, p, c) => {
      await h.deleteTaskPushNotificationConfig(p, c);
      return {};
    },
  },
  GetExtendedAgentCard: {
    schema: getExtendedAgentCardRequestSchema,
    streaming: false,
    call: (h, _p, c) => h.getExtendedAgentCard(c),
  },
};

/** Validates params for `method`, or throws InvalidParamsError naming the first problems. */
export function validateParams(spec: MethodSpec, params: unknown): unknown {
  const result = spec.schema.safeParse(params ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(params)'}: ${issue.message}`)
    .join('; ');
  throw new A2AError('InvalidParamsError', `invalid params: ${problems}`);
}

/** The result in the caller's version. */
export function formatResult(spec: MethodSpec, result: unknown, context: CallContext): unknown {
  return context.version === '0.3' && spec.legacy ? spec.legacy(result) : result;
}

/** A stream event in the caller's version. */
export function formatEvent(event: StreamResponse, context: CallContext): unknown {
  return context.version === '0.3' ? streamResponseToLegacy(event) : event;
}
