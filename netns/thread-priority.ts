import { loadAddon } from './addon.js';

/** The calling thread's scheduling: SCHED_FIFO at `priority` (1..99) or SCHED_OTHER (0). Throws without the privilege. */
export function setThreadRealtime(priority: number): void {
  loadAddon().setRealtime(priority);
}
