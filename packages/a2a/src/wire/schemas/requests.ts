import { z } from 'zod';
import { messageSchema, taskPushNotificationConfigSchema, taskStateSchema } from './core.ts';

/**
 * zod schemas for the request messages of the A2A 1.0 service.
 * @see https://a2a-protocol.org/v1.0.0/specification/#3-a2a-protocol-operations
 */

const tenant = z.string().optional();
const metadata = z.record(z.string(), z.unknown());
const historyLength = z.coerce.number().int().min(0).optional();

/** @see https://a2a-protocol.org/v1.0.0/specification/#322-sendmessageconfiguration */
export const sendMessageConfigurationSchema = z.object({
  acceptedOutputModes: z.array(z.string()).optional(),
  taskPushNotificationConfig: taskPushNotificationConfigSchema.partial({ taskId: true }).optional(),
  historyLength,
  returnImmediately: z.boolean().optional(),
});

export const sendMessageRequestSchema = z.object({
  tenant,
  message: messageSchema,
  configuration: sendMessageConfigurationSchema.optional(),
  metadata: metadata.optional(),
});
export type SendMessageRequest = z.infer<typeof sendMessageRequestSchema>;

export const getTaskRequestSchema = z.object({ tenant, id: z.string().min(1), historyLength });
export type GetTaskRequest = z.infer<typeof getTaskRequestSchema>;

export const listTasksRequestSchema = z.object({
  tenant,
  contextId: z.string().optional(),
  status: taskStateSchema.optional(),
  pageSize: z.coerce.number().int().min(1).max(100).optional(),
  pageToken: z.string().optional(),
  historyLength,
  statusTimestampAfter: z.iso.datetime({ offset: true }).optional(),
  includeArtifacts: z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')]).optional(),
});
export type ListTasksRequest = z.infer<typeof listTasksRequestSchema>;

export const cancelTaskRequestSchema = z.object({ tenant, id: z.string().min(1), metadata: metadata.optional() });
export type CancelTaskRequest = z.infer<typeof cancelTaskRequestSchema>;

export const subscribeToTaskRequestSchema = z.object({ tenant, id: z.string().min(1) });
export type SubscribeToTaskRequest = z.infer<typeof subscribeToTaskRequestSchema>;

export const createTaskPushNotificationConfigRequestSchema = taskPushNotificationConfigSchema;

export const getTaskPushNotificationConfigRequestSchema = z.object({
  tenant,
  taskId: z.string().min(1),
  id: z.string().min(1),
});
export type GetTaskPushNotificationConfigRequest = z.infer<typeof getTaskPushNotificationConfigRequestSchema>;

export const deleteTaskPushNotificationConfigRequestSchema = getTaskPushNotificationConfigRequestSchema;
export type DeleteTaskPushNotificationConfigRequest = GetTaskPushNotificationConfigRequest;

export const listTaskPushNotificationConfigsRequestSchema = z.object({
  tenant,
  taskId: z.string().min(1),
  pageSize: z.coerce.number().int().min(0).max(100).optional(),
  pageToken: z.string().optional(),
});
export type ListTaskPushNotificationConfigsRequest = z.infer<typeof listTaskPushNotificationConfigsRequestSchema>;

export const getExtendedAgentCardRequestSchema = z.object({ tenant });
