import { z } from 'zod';
import { TASK_STATES, type TaskState } from '../task-state.ts';

/**
 * zod schemas for the A2A 1.0 data objects, in their ProtoJSON form
 * (camelCase members, enums as SCREAMING_SNAKE strings, `oneof` flattened).
 * @see https://a2a-protocol.org/v1.0.0/specification/#4-protocol-data-model
 */

const metadata = z.record(z.string(), z.unknown());
const nonEmpty = z.string().min(1);

/**
 * A part holds exactly one of `text`, `raw` (base64), `url` or `data`.
 * @see https://a2a-protocol.org/v1.0.0/specification/#416-part
 */
export const partSchema = z
  .object({
    text: z.string().optional(),
    raw: z.base64().optional(),
    url: z.url().optional(),
    data: z.unknown().optional(),
    metadata: metadata.optional(),
    filename: z.string().optional(),
    mediaType: z.string().optional(),
  })
  .check((ctx) => {
    const present = (['text', 'raw', 'url', 'data'] as const).filter((key) => ctx.value[key] !== undefined);
    if (present.length !== 1) {
      ctx.issues.push({
        code: 'custom',
        input: ctx.value,
        message: 'a part must hold exactly one of text, raw, url or data',
      });
    }
  });
export type Part = z.infer<typeof partSchema>;

export const roleSchema = z.enum(['ROLE_USER', 'ROLE_AGENT']);
export type Role = z.infer<typeof roleSchema>;

/** @see https://a2a-protocol.org/v1.0.0/specification/#414-message */
export const messageSchema = z.object({
  messageId: nonEmpty,
  contextId: z.string().optional(),
  taskId: z.string().optional(),
  role: roleSchema,
  parts: z.array(partSchema).min(1),
  metadata: metadata.optional(),
  extensions: z.array(z.string()).optional(),
  referenceTaskIds: z.array(z.string()).optional(),
});
export type Message = z.infer<typeof messageSchema>;

export const taskStateSchema = z.enum(TASK_STATES as [TaskState, ...TaskState[]]);

/** @see https://a2a-protocol.org/v1.0.0/specification/#412-taskstatus */
export const taskStatusSchema = z.object({
  state: taskStateSchema,
  message: messageSchema.optional(),
  timestamp: z.string().optional(),
});
export type TaskStatus = z.infer<typeof taskStatusSchema>;

/** @see https://a2a-protocol.org/v1.0.0/specification/#417-artifact */
export const artifactSchema = z.object({
  artifactId: nonEmpty,
  name: z.string().optional(),
  description: z.string().optional(),
  parts: z.array(partSchema).min(1),
  metadata: metadata.optional(),
  extensions: z.array(z.string()).optional(),
});
export type Artifact = z.infer<typeof artifactSchema>;

/** @see https://a2a-protocol.org/v1.0.0/specification/#411-task */
export const taskSchema = z.object({
  id: nonEmpty,
  contextId: z.string(),
  status: taskStatusSchema,
  artifacts: z.array(artifactSchema).optional(),
  history: z.array(messageSchema).optional(),
  metadata: metadata.optional(),
});
export type Task = z.infer<typeof taskSchema>;

/** @see https://a2a-protocol.org/v1.0.0/specification/#421-taskstatusupdateevent */
export const taskStatusUpdateEventSchema = z.object({
  taskId: nonEmpty,
  contextId: z.string(),
  status: taskStatusSchema,
  metadata: metadata.optional(),
});
export type TaskStatusUpdateEvent = z.infer<typeof taskStatusUpdateEventSchema>;

/** @see https://a2a-protocol.org/v1.0.0/specification/#422-taskartifactupdateevent */
export const taskArtifactUpdateEventSchema = z.object({
  taskId: nonEmpty,
  contextId: z.string(),
  artifact: artifactSchema,
  append: z.boolean().optional(),
  lastChunk: z.boolean().optional(),
  metadata: metadata.optional(),
});
export type TaskArtifactUpdateEvent = z.infer<typeof taskArtifactUpdateEventSchema>;

/** SendMessage's answer: a task, or a direct message. */
export const sendMessageResponseSchema = z.union([
  z.object({ task: taskSchema }),
  z.object({ message: messageSchema }),
]);
export type SendMessageResponse = { task: Task } | { message: Message };

/** One event of a stream (SendStreamingMessage, SubscribeToTask). */
export const streamResponseSchema = z.union([
  z.object({ task: taskSchema }),
  z.object({ message: messageSchema }),
  z.object({ statusUpdate: taskStatusUpdateEventSchema }),
  z.object({ artifactUpdate: taskArtifactUpdateEventSchema }),
]);
export type StreamResponse =
  | { task: Task }
  | { message: Message }
  | { statusUpdate: TaskStatusUpdateEvent }
  | { artifactUpdate: TaskArtifactUpdateEvent };

/** @see https://a2a-protocol.org/v1.0.0/specification/#431-authenticationinfo */
export const authenticationInfoSchema = z.object({
  scheme: nonEmpty,
  credentials: z.string().optional(),
});

/** @see https://a2a-protocol.org/v1.0.0/specification/#432-taskpushnotificationconfig */
export const taskPushNotificationConfigSchema = z.object({
  tenant: z.string().optional(),
  id: z.string().optional(),
  taskId: nonEmpty,
  url: z.url({ protocol: /^https?$/ }),
  token: z.string().max(1024).optional(),
  authentication: authenticationInfoSchema.optional(),
});
export type TaskPushNotificationConfig = z.infer<typeof taskPushNotificationConfigSchema>;
