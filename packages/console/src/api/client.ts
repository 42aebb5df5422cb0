import { liveSession } from '../auth/session.ts';
import { ApiError, networkError, toApiError } from './api-error.ts';
import { type ServerSentEvent, SseParser } from './sse-parser.ts';

type Listener = () => void;
const unauthenticatedListeners = new Set<Listener>();

/** Called whenever the API says the session is gone, so the app can sign in again. */
export function onUnauthenticated(listener: Listener): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

export interface ApiRequest {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly body?: unknown;
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  readonly signal?: AbortSignal;
}

/** Calls the Parley API with the session's bearer token; failures are ApiErrors. */
export async function api<T>(path: string, request: ApiRequest = {}): Promise<T> {
  const session = await liveSession();
  if (!session) {
    for (const listener of unauthenticatedListeners) listener();
    throw new ApiError('unauthenticated', 401, 'ERR_CONSOLE_SIGNED_OUT', 'you are signed out');
  }
  const url = new URL(path, window.location.origin);
  for (const [key, value] of Object.entries(request.query ?? {})) {
    if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
  }
  const headers: Record<string, string> = { authorization: `Bearer ${session.accessToken}` };
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(url, {
      method: request.method ?? 'GET',
      headers,
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      ...(request.signal ? { signal: request.signal } : {}),
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw networkError(error);
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: keep the text for the error.
  }
  if (!response.ok) {
    const error = toApiError(response.status, body);
    if (error.kind === 'unauthenticated') for (const listener of unauthenticatedListeners) listener();
    throw error;
  }
  return body as T;
}

/**
 * Reads a Server-Sent Events stream of the Parley API with the session's
 * bearer token (EventSource cannot send one). Resolves when the server ends
 * the stream or the network drops it; rejects with an ApiError if it cannot
 * be opened.
 */
export async function streamEvents(
  path: string,
  onEvent: (event: ServerSentEvent) => void,
  signal: AbortSignal,
): Promise<void> {
  const session = await liveSession();
  if (!session) {
    for (const listener of unauthenticatedListeners) listener();
    throw new ApiError('unauthenticated', 401, 'ERR_CONSOLE_SIGNED_OUT', 'you are signed out');
  }
  let response: Response;
  try {
    response = await fetch(new URL(path, window.location.origin), {
      headers: { authorization: `Bearer ${session.accessToken}`, accept: 'text/event-stream' },
      signal,
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw networkError(error);
  }
  if (!response.ok || !response.body) {
    const error = toApiError(response.status, await response.json().catch(() => undefined));
    if (error.kind === 'unauthenticated') for (const listener of unauthenticatedListeners) listener();
    throw error;
  }
  const parser = new SseParser();
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      for (const event of parser.push(value)) onEvent(event);
    }
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    // The connection dropped mid-stream: the caller falls back and retries.
  } finally {
    reader.releaseLock();
  }
}
