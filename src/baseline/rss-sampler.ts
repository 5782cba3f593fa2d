import type { RssUsage } from './phase-result.js';

const rssKb = () => Math.round(process.memoryUsage.rss() / 1024);

/**
 * Samples this process's RSS (the process that runs the network, so faultnet's own) every
 * `intervalMs`, to report each phase's peak against the value before the first phase.
 */
export class RssSampler {
  readonly startKb = rssKb();
  private peakKb = this.startKb;
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs = 100) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  private sample(): void {
    this.peakKb = Math.max(this.peakKb, rssKb());
  }

  /** The usage of the phase that just ended; the next phase's peak starts from now. */
  endPhase(): RssUsage {
    this.sample();
    const usage = { startKb: this.startKb, peakKb: this.peakKb, growthKb: this.peakKb - this.startKb };
    this.peakKb = rssKb();
    return usage;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
