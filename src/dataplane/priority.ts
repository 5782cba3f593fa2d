import { performance } from 'node:perf_hooks';

/** SCHED_FIFO priority of the data-plane thread while it is light: the lowest real-time one. */
const REALTIME_PRIORITY = 1;
const CHECK_MS = 250;
/** Busy above this share of the last check (event-loop utilisation): back to SCHED_OTHER. */
const DEMOTE_ABOVE = 0.5;
/** ...and real-time again once below this one. */
const PROMOTE_BELOW = 0.25;

/**
 * Keeps the data plane's threads (its loop and tun0's writer, given as `setters`) real-time while
 * the loop is mostly asleep, so that a release or a write wakes within microseconds even when
 * every core is busy (under SCHED_OTHER a woken thread waits for the tick: ping p99 under
 * --latency 20ms and the TUI was 43.3-45.7 ms, lateness p99 1-2.7 ms; real-time, lateness p99
 * under 1 ms), and ordinary while it is busy, so that a flood of packets shares the cores with
 * the program as it would without faultnet. Without the privilege (CAP_SYS_NICE) they stay as
 * they are. The check is unreferenced: it never holds the thread.
 */
export function adaptPriority(setters: readonly ((priority: number) => void)[]): void {
  let realtime = false;
  const set = (on: boolean) => {
    try {
      for (const s of setters) s(on ? REALTIME_PRIORITY : 0);
      realtime = on;
    } catch {}
  };
  set(true);
  if (!realtime) return;
  let last = performance.eventLoopUtilization();
  setInterval(() => {
    const now = performance.eventLoopUtilization();
    const busy = performance.eventLoopUtilization(now, last).utilization;
    last = now;
    if (realtime && busy > DEMOTE_ABOVE) set(false);
    else if (!realtime && busy < PROMOTE_BELOW) set(true);
  }, CHECK_MS).unref();
}
