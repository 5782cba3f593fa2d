// CUBIC congestion control (RFC 9438), the Linux default. Window growth after a loss follows
// W(t) = C (t - K)^3 + W_max, never below the Reno-friendly estimate (section 4.3).

import type { CongestionControl, CongestionFactory } from './controller.js';

/** RFC 9438 section 5: C, in segments per second cubed. */
const CUBIC_C = 0.4;
/** RFC 9438 section 4.6: multiplicative decrease factor. */
const CUBIC_BETA = 0.7;
/** RFC 9438 section 4.3: additive increase of the Reno-friendly estimate, in segments per RTT. */
const RENO_FRIENDLY_ALPHA = (3 * (1 - CUBIC_BETA)) / (1 + CUBIC_BETA);

export class Cubic implements CongestionControl {
  readonly name = 'cubic' as const;
  cwnd: number;
  ssthresh = 0x7fffffff;
  /** Window before the last reduction, in segments. */
  private wMax = 0;
  /** Seconds from the epoch start until W(t) reaches wMax. */
  private k = 0;
  /** ms; 0 = no congestion-avoidance epoch started yet. */
  private epochStart = 0;
  /** Reno-friendly window estimate, in segments. */
  private wEst = 0;

  constructor(
    private readonly mss: number,
    initialWindow: number,
  ) {
    this.cwnd = initialWindow;
  }

  onAck(acked: number, now: number, rtt: number): void {
    if (this.cwnd < this.ssthresh) {
      this.cwnd += acked;
      return;
    }
    const mss = this.mss;
    const segs = this.cwnd / mss;
    if (this.epochStart === 0) {
      this.epochStart = now;
      if (this.wMax < segs) this.wMax = segs;
      this.k = Math.cbrt((this.wMax - segs) / CUBIC_C);
      this.wEst = segs;
    }
    const t = (now - this.epochStart + Math.max(rtt, 0)) / 1000;
    const target = CUBIC_C * (t - this.k) ** 3 + this.wMax;
    this.wEst += (RENO_FRIENDLY_ALPHA * acked) / this.cwnd;
    const goal = Math.max(target, this.wEst);
    // RFC 9438 section 4.2: at most 1.5x per RTT, spread over the ACKs of that RTT.
    const capped = Math.min(goal, 1.5 * segs);
    if (capped > segs) this.cwnd += Math.max(((capped - segs) * mss * acked) / this.cwnd, 0);
  }

  onLoss(flightSize: number): void {
    this.reduce(flightSize);
    this.cwnd = this.ssthresh;
  }

  onRecoveryEnd(): void {
    this.cwnd = this.ssthresh;
  }

  onTimeout(flightSize: number): void {
    this.reduce(flightSize);
    this.cwnd = this.mss;
  }

  undo(cwnd: number, ssthresh: number): void {
    this.cwnd = Math.max(this.cwnd, cwnd);
    this.ssthresh = Math.max(this.ssthresh, ssthresh);
    this.epochStart = 0;
  }

  private reduce(flightSize: number): void {
    const segs = this.cwnd / this.mss;
    // RFC 9438 section 4.7, fast convergence: release bandwidth when wMax is shrinking.
    this.wMax = segs < this.wMax ? (segs * (1 + CUBIC_BETA)) / 2 : segs;
    this.ssthresh = Math.max(Math.floor(flightSize * CUBIC_BETA), 2 * this.mss);
    this.epochStart = 0;
  }
}

export const cubic: CongestionFactory = (mss, initialWindow) => new Cubic(mss, initialWindow);
