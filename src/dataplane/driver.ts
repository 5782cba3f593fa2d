import { PreciseTimer } from '../../netns/precise-timer.js';
import type { TcpEndpoint } from '../../stack/tcp/endpoint.js';
import type { Router } from '../router/router.js';

/**
 * The data plane's clock: one timer for the pipelines' next deadline (held packets, TCP timers),
 * and one deferred TCP flush per event-loop turn, so that a batch of application calls sends one
 * coalesced train. Time is `performance.now()`, monotonic and sub-millisecond, and the timer
 * fires within microseconds of it (netns/precise-timer.ts).
 */
export class Driver {
  private readonly wake: PreciseTimer;
  /** When the armed timer fires; Infinity when it is not armed. */
  private wakeAt = Number.POSITIVE_INFINITY;
  private flushQueued = false;
  private readonly afterPoll: (() => void)[] = [];
  private stopped = false;

  constructor(
    private readonly router: Router,
    private readonly tcp: TcpEndpoint,
  ) {
    tcp.onFlushNeeded = () => this.flushSoon();
    this.wake = new PreciseTimer(() => {
      this.wakeAt = Number.POSITIVE_INFINITY;
      this.router.poll(performance.now());
      this.schedule();
      if (this.afterPoll.length > 0) for (const fn of this.afterPoll.splice(0)) fn();
    });
  }

  /**
   * Runs `fn` now, or just after the next release if one is due within `guardMs`: work that
   * blocks the thread for a millisecond (a stats snapshot) should not sit on a packet's time.
   */
  betweenReleases(fn: () => void, guardMs: number): void {
    if (this.stopped || this.wakeAt - performance.now() > guardMs) fn();
    else this.afterPoll.push(fn);
  }

  /** Arms the one timer for the pipeline's next deadline, if it is earlier than the armed one. */
  schedule(): void {
    if (this.stopped) return;
    const at = this.router.nextDeadline();
    if (at >= this.wakeAt || at === Number.POSITIVE_INFINITY) return;
    this.wakeAt = at;
    this.wake.arm(at - performance.now());
  }

  private flushSoon(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    setImmediate(() => {
      this.flushQueued = false;
      this.tcp.flush(performance.now());
      this.schedule();
    });
  }

  stop(): void {
    this.stopped = true;
    this.wake.stop();
    for (const fn of this.afterPoll.splice(0)) fn();
  }
}
