import type { StatsSnapshot } from '../src/metrics/index.js';
import type { Policy } from '../src/policy/index.js';

/** What the control socket's `policies` op answers. */
export interface PolicyList {
  /** Registered names, sorted. */
  registered: string[];
  /** Active names, in activation order. */
  active: string[];
  /** Every registered policy, normalised. */
  policies: Record<string, Policy>;
}

/**
 * Everything the TUI asks of a running network. Production code wraps the control socket client
 * (`controlBackend`); tests hand the components a small in-memory object holding fixed snapshots.
 */
export interface TuiBackend {
  /**
   * Calls `onStats` with a snapshot now and every `intervalMs`, and `onError` if the stream ends;
   * returns the unsubscribe function.
   */
  subscribe(
    intervalMs: number,
    onStats: (snapshot: StatsSnapshot) => void,
    onError?: (err: Error) => void,
  ): () => void;
  policies(): Promise<PolicyList>;
  /** Makes exactly these policies active, in one atomic switch. */
  setPolicies(names: string[]): Promise<void>;
  /** Registers (or replaces) a policy given in policy-file syntax. */
  register(name: string, input: unknown): Promise<void>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Zeroes the counters. */
  reset(): Promise<void>;
}
