import { useCallback, useEffect, useState } from 'react';
import type { PolicyList, TuiBackend } from './backend.js';

export interface Policies {
  list: PolicyList | null;
  error: string | null;
  refresh: () => Promise<void>;
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The registered and active policies. Fetched at start, after each command, and whenever the
 * snapshot's active set changes (another client may switch policies too).
 */
export function usePolicies(backend: TuiBackend, activeKey: string): Policies {
  const [list, setList] = useState<PolicyList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const refresh = useCallback(async () => {
    setList(await backend.policies());
    setError(null);
  }, [backend]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: activeKey is the trigger, not an input
  useEffect(() => {
    refresh().catch((err: unknown) => setError(errorText(err)));
  }, [refresh, activeKey]);
  return { list, error, refresh };
}
