// NewReno congestion control (RFC 5681 with RFC 3465 byte counting; slow start grows by every byte acked, as Linux does, without L's cap). Fast recovery runs on the
// connection's pipe estimate (RFC 6675 / RFC 6582), so cwnd is never inflated by duplicate ACKs.

import type { CongestionControl, CongestionFactory } from './controller.js';

export class NewReno implements CongestionControl {
  readonly name = 'reno' as const;
  cwnd: number;
  ssthresh = 0x7fffffff;
  private bytesAcked = 0;

  constructor(
    private readonly mss: number,
    initialWindow: number,
  ) {
    this.cwnd = initialWindow;
  }

  onAck(acked: number): void {
    if (this.cwnd < this.ssthresh) {
      this.cwnd += acked;
      return;
    }
    this.bytesAcked += acked;
    if (this.bytesAcked >= this.cwnd) {
      this.bytesAcked -= this.cwnd;
      this.cwnd += this.mss;
    }
  }

  onLoss(flightSize: number): void {
    this.ssthresh = Math.max(flightSize >>> 1, 2 * this.mss);
    this.cwnd = this.ssthresh;
    this.bytesAcked = 0;
  }

  onRecoveryEnd(): void {
    this.cwnd = this.ssthresh;
  }

  onTimeout(flightSize: number): void {
    this.ssthresh = Math.max(flightSize >>> 1, 2 * this.mss);
    this.cwnd = this.mss;
    this.bytesAcked = 0;
  }

  undo(cwnd: number, ssthresh: number): void {
    this.cwnd = Math.max(this.cwnd, cwnd);
    this.ssthresh = Math.max(this.ssthresh, ssthresh);
  }
}

export const newReno: CongestionFactory = (mss, initialWindow) => new NewReno(mss, initialWindow);
