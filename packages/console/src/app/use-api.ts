import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiError } from '../api/api-error.ts';

export interface ApiState<T> {
  readonly data: T | undefined;
  readonly error: ApiError | undefined;
  readonly loading: boolean;
  readonly reload: () => void;
}

/**
 * Loads `load()` when `key` changes, and again every `pollMs` if given (live
 * lists). A poll keeps showing the last data while it refreshes.
 */
export function useApi<T>(key: string | null, load: (signal: AbortSignal) => Promise<T>, pollMs?: number): ApiState<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError>();
  const [loading, setLoading] = useState(key !== null);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const reload = useCallback(() => setTick((t) => t + 1), []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: tick re-runs the load on purpose.
  useEffect(() => {
    if (key === null) return;
    const controller = new AbortController();
    setLoading(true);
    loadRef.current(controller.signal).then(
      (value) => {
        if (controller.signal.aborted) return;
        setData(value);
        setError(undefined);
        setLoading(false);
      },
      (reason: unknown) => {
        if (controller.signal.aborted) return;
        setError(reason as ApiError);
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [key, tick]);

  useEffect(() => {
    if (key === null || !pollMs) return;
    const timer = window.setInterval(() => setTick((t) => t + 1), pollMs);
    return () => window.clearInterval(timer);
  }, [key, pollMs]);

  return { data, error, loading, reload };
}
