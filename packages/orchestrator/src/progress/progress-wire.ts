import { z } from 'zod';
import { TASK_STATES } from '../ports/a2a-shapes.ts';
import type { ProgressEvent } from './progress-event.ts';

/**
 * The key under which the concierge puts a `ProgressEvent` in the `metadata`
 * of each A2A TaskStatusUpdateEvent it streams, so clients (the CLI) can
 * render the plan live.
 * @see https://a2a-protocol.org/latest/specification/#4211-taskstatusupdateevent
 */
export const PROGRESS_METADATA_KEY = 'https://parley.dev/a2a/orchestrator-progress';

const artifact = z.object({
  artifactId: z.string(),
  name: z.string().optional(),
  description: z.string().optional(),
  parts: z.array(
    z.object({
      text: z.string().optional(),
      data: z.unknown().optional(),
      url: z.string().optional(),
      mediaType: z.string().optional(),
      filename: z.string().optional(),
    }),
  ),
});
const subtask = z.object({
  id: z.string(),
  agent: z.string(),
  skill: z.string(),
  instruction: z.string(),
  dependsOn: z.array(z.string()),
  title: z.string().optional(),
});
const unassigned = z.object({ text: z.string(), reason: z.string() });
const plan = z.object({
  subtasks: z.array(subtask),
  unassigned: z.array(unassigned),
  planner: z.enum(['offline', 'model']),
});
const outcome = z.object({
  subtaskId: z.string(),
  agent: z.string(),
  skill: z.string(),
  title: z.string(),
  status: z.enum(['completed', 'failed', 'rejected', 'canceled', 'skipped']),
  reason: z.string().optional(),
  artifacts: z.array(artifact),
  attempts: z.number(),
  taskId: z.string().optional(),
});
const ref = { askId: z.string(), at: z.number(), subtaskId: z.string(), agent: z.string() };

/** Validates a progress event received over the wire. */
export const progressEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('plan-created'), askId: z.string(), at: z.number(), plan }),
  z.object({ type: z.literal('subtask-started'), ...ref, skill: z.string(), attempt: z.number() }),
  z.object({ type: z.literal('subtask-status'), ...ref, state: z.enum(TASK_STATES), message: z.string().optional() }),
  z.object({ type: z.literal('subtask-artifact'), ...ref, artifact }),
  z.object({
    type: z.literal('approval-required'),
    ...ref,
    approval: z.object({ id: z.string().optional(), url: z.string().optional() }),
    message: z.string().optional(),
  }),
  z.object({ type: z.literal('input-required'), ...ref, question: z.string() }),
  z.object({ type: z.literal('subtask-retrying'), ...ref, attempt: z.number(), reason: z.string() }),
  z.object({ type: z.literal('subtask-finished'), ...ref, outcome }),
  z.object({
    type: z.literal('final-answer'),
    askId: z.string(),
    at: z.number(),
    result: z.object({
      askId: z.string(),
      state: z.enum(['TASK_STATE_COMPLETED', 'TASK_STATE_FAILED', 'TASK_STATE_CANCELED']),
      answer: z.string(),
      plan: plan.optional(),
      outcomes: z.array(outcome),
      unassigned: z.array(unassigned),
      error: z.object({ code: z.string(), message: z.string() }).optional(),
    }),
  }),
]);

/** The progress event in an A2A status update's metadata, if it carries a valid one. */
export function progressFromMetadata(metadata: unknown): ProgressEvent | undefined {
  if (typeof metadata !== 'object' || metadata === null) return undefined;
  const parsed = progressEventSchema.safeParse((metadata as Record<string, unknown>)[PROGRESS_METADATA_KEY]);
  return parsed.success ? (parsed.data as ProgressEvent) : undefined;
}

/** The metadata the concierge attaches to a status update to carry `event`. */
export function progressMetadata(event: ProgressEvent): Record<string, unknown> {
  return { [PROGRESS_METADATA_KEY]: JSON.parse(JSON.stringify(event)) };
}
