import { useEffect, useRef, useState } from 'react';
import { streamEvents } from '../api/client.ts';
import type { ServerSentEvent } from '../api/sse-parser.ts';

/** How long to wait before opening a dropped stream again; polling covers the gap. */
const RETRY_MS = 5000;

/**
 * Holds the console's event stream (`/api/console/events`) open while the
 * page is mounted, calling `onEvent` for each event, and reopens it after a
 * drop. `live` is true while the stream is open (its `ready` event arrived),
 * so a page can poll only when it is not.
 */
export function useLiveEvents(onEvent: (event: ServerSentEvent) => void): { live: boolean } {
  const [live, setLive] = useState(false);
  const onEventRef = useRef(onEvent);
  onEventRef.current = onEvent;

  useEffect(() => {
    const controller = new AbortController();
    let retry: number | undefined;
    const open = () => {
      streamEvents(
        '/api/console/events',
        (event) => {
          if (event.event === 'ready') setLive(true);
          onEventRef.current(event);
        },
        controller.signal,
      )
        .catch(() => {
          // Refused or unreachable: the same as a drop, polling takes over.
        })
        .finally(() => {
          if (controller.signal.aborted) return;
          setLive(false);
          retry = window.setTimeout(open, RETRY_MS);
        });
    };
    open();
    return () => {
      controller.abort();
      window.clearTimeout(retry);
    };
  }, []);

  return { live };
}
