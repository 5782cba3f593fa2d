import { loadAddon, type TimerHandle } from './addon.js';

/** The most the timer fires ahead of its time, to spin the rest. */
const MAX_LEAD_MS = 0.5;
/** Spinning per second at most: past it the timer waits for the kernel's wake-up alone. */
const SPIN_BUDGET_MS_PER_S = 20;
/** How fast the lead follows the measured wake-up latency (an exponential average's weight). */
const LEAD_GAIN = 1 / 8;

/**
 * A one-shot timer that fires within microseconds of its time: libuv's timers count whole
 * milliseconds and fire up to one late, which a delay fault would add to every packet it holds.
 * On an idle machine the kernel's own wake-up from a timerfd still comes 0.2-0.5 ms late (a vCPU
 * halted in its hypervisor), so the timer is armed that much early, as measured, and the rest is
 * spun, within a budget of 2% of a core. It keeps its thread's loop alive until `stop()`.
 */
export class PreciseTimer {
  private readonly handle: TimerHandle;
  private stopped = false;
  /** When the armed timer is due (performance.now() ms), and when the kernel was asked to wake. */
  private due = 0;
  private wakeAt = 0;
  /** The kernel's recent wake-up latency, which the next arming anticipates. */
  private lead = 0;
  private spunMs = 0;
  private budgetStart = 0;

  constructor(onExpired: () => void) {
    this.handle = loadAddon().startTimer(() => {
      let now = performance.now();
      const late = Math.max(0, now - this.wakeAt);
      this.lead = Math.min(MAX_LEAD_MS, this.lead + (late - this.lead) * LEAD_GAIN);
      if (now < this.due) now = this.spin(now);
      onExpired();
    });
  }

  /** Fires once `delayMs` from now (at once for 0 or less), replacing any earlier arming. */
  arm(delayMs: number): void {
    if (this.stopped) return;
    const now = performance.now();
    // The budget's window moves here, not in spin(): past the budget nothing spins.
    if (now - this.budgetStart >= 1000) {
      this.budgetStart = now;
      this.spunMs = 0;
    }
    this.due = now + delayMs;
    const lead = this.spunMs < SPIN_BUDGET_MS_PER_S ? this.lead : 0;
    this.wakeAt = this.due - Math.min(lead, Math.max(0, delayMs));
    loadAddon().armTimer(this.handle, this.wakeAt - now);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    loadAddon().stopTimer(this.handle);
  }

  /** Waits on the CPU until the timer is due; returns the time then. */
  private spin(from: number): number {
    let now = from;
    while (now < this.due) now = performance.now();
    this.spunMs += now - from;
    return now;
  }
}
