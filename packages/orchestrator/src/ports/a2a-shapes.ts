/**
 * The few A2A 1.0 shapes the orchestrator's ports speak. They mirror the
 * protocol's JSON (ProtoJSON) names so the A2A client maps onto them directly.
 * @see https://a2a-protocol.org/latest/specification/#41-core-objects
 */

/** @see https://a2a-protocol.org/latest/specification/#413-taskstate */
export const TASK_STATES = [
  'TASK_STATE_SUBMITTED',
  'TASK_STATE_WORKING',
  'TASK_STATE_INPUT_REQUIRED',
  'TASK_STATE_AUTH_REQUIRED',
  'TASK_STATE_COMPLETED',
  'TASK_STATE_FAILED',
  'TASK_STATE_CANCELED',
  'TASK_STATE_REJECTED',
] as const;

export type TaskState = (typeof TASK_STATES)[number];

/** States after which a task never changes again. */
export const TERMINAL_TASK_STATES: ReadonlySet<TaskState> = new Set([
  'TASK_STATE_COMPLETED',
  'TASK_STATE_FAILED',
  'TASK_STATE_CANCELED',
  'TASK_STATE_REJECTED',
]);

/** One piece of content: text, structured data, or a file by URL. @see https://a2a-protocol.org/latest/specification/#417-part */
export interface Part {
  readonly text?: string;
  readonly data?: unknown;
  readonly url?: string;
  readonly mediaType?: string;
  readonly filename?: string;
}

/** An output of a task. @see https://a2a-protocol.org/latest/specification/#419-artifact */
export interface Artifact {
  readonly artifactId: string;
  readonly name?: string;
  readonly description?: string;
  readonly parts: readonly Part[];
}

/** The text of an artifact's parts, data parts rendered as JSON. */
export function artifactText(artifact: Artifact): string {
  return artifact.parts
    .map((part) => {
      if (part.text !== undefined) return part.text;
      if (part.data !== undefined) return JSON.stringify(part.data);
      if (part.url !== undefined) return part.url;
      return '';
    })
    .filter((text) => text !== '')
    .join('\n');
}
