import { useEffect, useRef, useState } from 'react';
import type { StatsSnapshot } from '../src/metrics/index.js';
import type { TuiBackend } from './backend.js';
import { EMPTY_STATS, nextStats, type StatsState, worthShowing } from './stats-state.js';

export interface LiveStats extends StatsState {
  /** Why snapshots stopped coming, once they have. */
  error: string | null;
}

/**
 * The newest snapshot and the rates derived from it. Every snapshot updates the rates and history;
 * the screen re-renders for those that change what it shows.
 */
export function useStats(backend: TuiBackend, intervalMs: number): LiveStats {
  const latest = useRef(EMPTY_STATS);
  const [shown, setShown] = useState(EMPTY_STATS);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const onStats = (snapshot: StatsSnapshot) => {
      latest.current = nextStats(latest.current, snapshot);
      const next = latest.current;
      setShown((prev) => (worthShowing(prev, next) ? next : prev));
    };
    return backend.subscribe(intervalMs, onStats, (err) => setError(`no more snapshots: ${err.message}`));
  }, [backend, intervalMs]);
  return { ...shown, error };
}
