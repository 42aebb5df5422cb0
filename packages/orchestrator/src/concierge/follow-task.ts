import type { CallContext, Message, RemoteAgentClient, StreamResponse } from '@parley/a2a';

/** States after which the task goes on without the caller, so it is followed. */
const FOLLOW = new Set(['TASK_STATE_AUTH_REQUIRED', 'TASK_STATE_WORKING', 'TASK_STATE_SUBMITTED']);

/**
 * Sends `message` with SendStreamingMessage and follows the task until it
 * ends or needs input: a stream that stops while the task still runs (an
 * approval decided elsewhere, TASK_STATE_AUTH_REQUIRED) is resumed with
 * SubscribeToTask. When `context.signal` aborts, the remote task is canceled.
 * @see https://a2a-protocol.org/v1.0.0/specification/#312-send-streaming-message
 * @see https://a2a-protocol.org/v1.0.0/specification/#319-subscribe-to-task
 */
export async function* followTask(
  client: Pick<RemoteAgentClient, 'sendStreamingMessage' | 'subscribeToTask' | 'getTask' | 'cancelTask'>,
  message: Message,
  context: CallContext,
): AsyncGenerator<StreamResponse> {
  const { signal } = context;
  let taskId = message.taskId;
  const onAbort = () => {
    // The call's own signal has aborted, so the cancel goes without one.
    if (taskId)
      void client
        .cancelTask({ id: taskId }, { owner: context.owner, caller: context.caller, version: context.version })
        .catch(() => {});
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    let stream = await client.sendStreamingMessage({ message }, context);
    for (;;) {
      let state: string | undefined;
      for await (const event of stream) {
        const seen = taskOf(event);
        if (seen.taskId) taskId = seen.taskId;
        if (seen.state) state = seen.state;
        yield event;
      }
      if (signal?.aborted || !taskId || state === undefined || !FOLLOW.has(state)) return;
      try {
        stream = await client.subscribeToTask({ id: taskId }, context);
      } catch (error) {
        // The task may have finished between the end of the stream and the subscription.
        const task = await client.getTask({ id: taskId }, context).catch(() => undefined);
        if (!task || FOLLOW.has(task.status.state)) throw error;
        for (const artifact of task.artifacts ?? [])
          yield { artifactUpdate: { taskId: task.id, contextId: task.contextId, artifact } };
        yield {
          statusUpdate: {
            taskId: task.id,
            contextId: task.contextId,
            status: task.status,
            ...(task.metadata ? { metadata: task.metadata } : {}),
          },
        };
        return;
      }
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

function taskOf(event: StreamResponse): { taskId?: string; state?: string } {
  if ('task' in event) return { taskId: event.task.id, state: event.task.status.state };
  if ('statusUpdate' in event) return { taskId: event.statusUpdate.taskId, state: event.statusUpdate.status.state };
  if ('artifactUpdate' in event) return { taskId: event.artifactUpdate.taskId };
  return {};
}
