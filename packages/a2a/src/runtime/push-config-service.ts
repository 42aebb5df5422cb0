import type { ProtocolVersion } from '../bindings/a2a-handler.ts';
import type { TaskPushNotificationConfig } from '../wire/schemas/core.ts';

/**
 * Where push-notification configs live; the runtime checks task ownership
 * before calling it.
 * @see https://a2a-protocol.org/v1.0.0/specification/#316-push-notification-operations
 */
export interface PushConfigService {
  /** `version`: the protocol the creating client speaks; notifications are sent in its shape. */
  create(
    agent: string,
    owner: string,
    config: TaskPushNotificationConfig,
    version?: ProtocolVersion,
  ): Promise<TaskPushNotificationConfig>;
  get(agent: string, taskId: string, id: string): Promise<TaskPushNotificationConfig>;
  list(agent: string, taskId: string): Promise<TaskPushNotificationConfig[]>;
  delete(agent: string, taskId: string, id: string): Promise<void>;
}
