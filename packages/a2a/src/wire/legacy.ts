import type { StreamResponse, Task, TaskPushNotificationConfig, TaskStatus } from './schemas/core.ts';
import { isFinalForStream, type TaskState } from './task-state.ts';

/**
 * Conversions between A2A 0.3 JSON shapes (`kind` discriminators, lowercase
 * states, `file` parts, slash-style method names) and 1.0, applied at the
 * edge so everything inside speaks 1.0.
 * @see https://a2a-protocol.org/v0.3.0/specification/
 */

type Json = Record<string, unknown>;

/** 0.3 method name -> 1.0 method name. */
export const LEGACY_METHODS: Readonly<Record<string, string>> = {
  'message/send': 'SendMessage',
  'message/stream': 'SendStreamingMessage',
  'tasks/get': 'GetTask',
  'tasks/list': 'ListTasks',
  'tasks/cancel': 'CancelTask',
  'tasks/resubscribe': 'SubscribeToTask',
  'tasks/pushNotificationConfig/set': 'CreateTaskPushNotificationConfig',
  'tasks/pushNotificationConfig/get': 'GetTaskPushNotificationConfig',
  'tasks/pushNotificationConfig/list': 'ListTaskPushNotificationConfigs',
  'tasks/pushNotificationConfig/delete': 'DeleteTaskPushNotificationConfig',
  'agent/getAuthenticatedExtendedCard': 'GetExtendedAgentCard',
};

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function partFromLegacy(part: unknown): unknown {
  if (!isObject(part)) return part;
  const { kind, metadata } = part;
  const base = metadata === undefined ? {} : { metadata };
  if (kind === 'text') return { ...base, text: part.text };
  if (kind === 'data') return { ...base, data: part.data };
  if (kind === 'file' && isObject(part.file)) {
    const file = part.file;
    const content = file.uri !== undefined ? { url: file.uri } : { raw: file.bytes };
    return {
      ...base,
      ...content,
      ...(file.mimeType === undefined ? {} : { mediaType: file.mimeType }),
      ...(file.name === undefined ? {} : { filename: file.name }),
    };
  }
  return part;
}

/** A 0.3 message as 1.0. */
export function messageFromLegacy(message: unknown): unknown {
  if (!isObject(message)) return message;
  const { kind: _kind, role, parts, ...rest } = message;
  return {
    ...rest,
    role: role === 'user' ? 'ROLE_USER' : role === 'agent' ? 'ROLE_AGENT' : role,
    parts: Array.isArray(parts) ? parts.map(partFromLegacy) : parts,
  };
}

function pushConfigFromLegacy(taskId: unknown, config: unknown): unknown {
  if (!isObject(config)) return config;
  const auth = isObject(config.authentication) ? config.authentication : undefined;
  const schemes = Array.isArray(auth?.schemes) ? auth.schemes : [];
  return {
    taskId,
    ...(config.id === undefined ? {} : { id: config.id }),
    url: config.url,
    ...(config.token === undefined ? {} : { token: config.token }),
    ...(auth && schemes[0] !== undefined
      ? { authentication: { scheme: schemes[0], ...(auth.credentials ? { credentials: auth.credentials } : {}) } }
      : {}),
  };
}

/** 0.3 request params as the 1.0 request of `method` (a 1.0 method name). */
export function paramsFromLegacy(method: string, params: unknown): unknown {
  if (!isObject(params)) return params;
  switch (method) {
    case 'SendMessage':
    case 'SendStreamingMessage': {
      const configuration = isObject(params.configuration) ? params.configuration : undefined;
      return {
        message: messageFromLegacy(params.message),
        ...(params.metadata === undefined ? {} : { metadata: params.metadata }),
        ...(configuration
          ? {
              configuration: {
                ...(configuration.acceptedOutputModes
                  ? { acceptedOutputModes: configuration.acceptedOutputModes }
                  : {}),
                ...(configuration.historyLength === undefined ? {} : { historyLength: configuration.historyLength }),
                ...(configuration.blocking === false ? { returnImmediately: true } : {}),
                ...(configuration.pushNotificationConfig
                  ? {
                      taskPushNotificationConfig: pushConfigFromLegacy(undefined, configuration.pushNotificationConfig),
                    }
                  : {}),
              },
            }
          : {}),
      };
    }
    case 'CreateTaskPushNotificationConfig':
      return pushConfigFromLegacy(params.taskId, params.pushNotificationConfig);
    case 'GetTaskPushNotificationConfig':
    case 'DeleteTaskPushNotificationConfig':
      return { taskId: params.id, id: params.pushNotificationConfigId };
    case 'ListTaskPushNotificationConfigs':
      return { taskId: params.id };
    default:
      return params;
  }
}

/** `TASK_STATE_INPUT_REQUIRED` -> `input-required`. */
export function stateToLegacy(state: TaskState): string {
  return state.slice('TASK_STATE_'.length).toLowerCase().replaceAll('_', '-');
}

function partToLegacy(part: Json): Json {
  const base = part.metadata === undefined ? {} : { metadata: part.metadata };
  if (part.text !== undefined) return { kind: 'text', text: part.text, ...base };
  if (part.data !== undefined) return { kind: 'data', data: part.data, ...base };
  const file: Json = part.url !== undefined ? { uri: part.url } : { bytes: part.raw };
  if (part.mediaType !== undefined) file.mimeType = part.mediaType;
  if (part.filename !== undefined) file.name = part.filename;
  return { kind: 'file', file, ...base };
}

/** A 1.0 message as 0.3. */
export function messageToLegacy(message: Json): Json {
  return {
    ...message,
    kind: 'message',
    role: message.role === 'ROLE_USER' ? 'user' : 'agent',
    parts: (message.parts as Json[]).map(partToLegacy),
  };
}

function statusToLegacy(status: TaskStatus): Json {
  return {
    ...status,
    state: stateToLegacy(status.state),
    ...(status.message ? { message: messageToLegacy(status.message) } : {}),
  };
}

function artifactToLegacy(artifact: Json): Json {
  return { ...artifact, parts: (artifact.parts as Json[]).map(partToLegacy) };
}

/** A 1.0 task as 0.3. */
export function taskToLegacy(task: Task): Json {
  return {
    ...task,
    kind: 'task',
    status: statusToLegacy(task.status),
    ...(task.history ? { history: task.history.map(messageToLegacy) } : {}),
    ...(task.artifacts ? { artifacts: task.artifacts.map(artifactToLegacy) } : {}),
  };
}

/** One 1.0 stream event (or SendMessage result) as its 0.3 result object. */
export function streamResponseToLegacy(event: StreamResponse): Json {
  if ('task' in event) return taskToLegacy(event.task);
  if ('message' in event) return messageToLegacy(event.message);
  if ('statusUpdate' in event) {
    const update = event.statusUpdate;
    return {
      ...update,
      kind: 'status-update',
      status: statusToLegacy(update.status),
      final: isFinalForStream(update.status.state),
    };
  }
  return {
    ...event.artifactUpdate,
    kind: 'artifact-update',
    artifact: artifactToLegacy(event.artifactUpdate.artifact),
  };
}

/** A 1.0 push config as the 0.3 `TaskPushNotificationConfig`. */
export function pushConfigToLegacy(config: TaskPushNotificationConfig): Json {
  const { taskId, tenant: _tenant, authentication, ...rest } = config;
  return {
    taskId,
    pushNotificationConfig: {
      ...rest,
      ...(authentication
        ? {
            authentication: {
              schemes: [authentication.scheme],
              ...(authentication.credentials ? { credentials: authentication.credentials } : {}),
            },
          }
        : {}),
    },
  };
}
