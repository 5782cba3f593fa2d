import { loadAddon, type TimerHandle } from './addon.js';

/**
 * A one-shot timer that fires within microseconds of its time: libuv's timers count whole
 * milliseconds and fire up to one late, which a delay fault would add to every packet it holds.
 * It keeps its thread's loop alive until `stop()`.
 */
export class PreciseTimer {
  private readonly handle: TimerHandle;
  private stopped = false;

  constructor(onExpired: () => void) {
    this.handle = loadAddon().startTimer(onExpired);
  }

  /** Fires once `delayMs` from now (at once for 0 or less), replacing any earlier arming. */
  arm(delayMs: number): void {
    if (!this.stopped) loadAddon().armTimer(this.handle, delayMs);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    loadAddon().stopTimer(this.handle);
  }
}
