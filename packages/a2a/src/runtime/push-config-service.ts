import type { TaskPushNotificationConfig } from '../wire/schemas/core.ts';

/**
 * Where push-notification configs live; the runtime checks task ownership
 * before calling it.
 * @see https://a2a-protocol.org/v1.0.0/specification/#316-push-notification-operations
 */
export interface PushConfigService {
  create(agent: string, owner: string, config: TaskPushNotificationConfig): Promise<TaskPushNotificationConfig>;
  get(agent: string, taskId: string, id: string): Promise<TaskPushNotificationConfig>;
  list(agent: string, taskId: string): Promise<TaskPushNotificationConfig[]>;
  delete(agent: string, taskId: string, id: string): Promise<void>;
}
