import { AsyncLocalStorage } from 'node:async_hooks';

/** What the module-level `withPolicy` and `dns` need of a network. */
export interface ScopeTarget {
  withPolicy<T>(policy: string | object, fn: () => T): T;
  /** Ends the namespace without waiting: the process is exiting. */
  closeNow(): void;
}

const open = new Set<ScopeTarget>();
const current = new AsyncLocalStorage<ScopeTarget>();
let hooked = false;

/**
 * Tracks a started network until it closes. On process exit every open network is ended
 * synchronously: the launchers would die with the process anyway (PR_SET_PDEATHSIG), but the TUN
 * fds and control socket files are ours to release.
 */
export function trackNetwork(net: ScopeTarget): void {
  open.add(net);
  if (hooked) return;
  hooked = true;
  process.once('exit', () => {
    for (const n of open) n.closeNow();
  });
}

export function untrackNetwork(net: ScopeTarget): void {
  open.delete(net);
}

/** Runs fn with `net` as the current network of the module-level `withPolicy` and `dns`. */
export function runWithNetwork<T>(net: ScopeTarget, fn: () => T): T {
  return current.run(net, fn);
}

/**
 * The network the module-level helpers apply to: the one whose `withPolicy` (or `dns` scope) this
 * code runs inside, else the only open network of the process.
 */
export function currentNetwork(): ScopeTarget {
  const inside = current.getStore();
  if (inside !== undefined && open.has(inside)) return inside;
  if (open.size === 1) return open.values().next().value!;
  throw new Error(
    open.size === 0
      ? 'faultnet: no network is open; start one with Network.start() first'
      : `faultnet: ${open.size} networks are open; use net.withPolicy() or net.dns() to say which one`,
  );
}
