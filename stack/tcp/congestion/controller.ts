// The congestion-control interface. The connection owns loss detection and recovery (the SACK
// scoreboard and pipe); a controller only decides cwnd and ssthresh, so CUBIC or another
// algorithm can replace NewReno without touching the state machine.

export interface CongestionControl {
  /** Which algorithm this is, as shown in stats. */
  readonly name: 'cubic' | 'reno' | 'bbr';
  /** Bytes. */
  readonly cwnd: number;
  readonly ssthresh: number;
  /** `acked` new bytes were cumulatively acknowledged outside recovery; `rtt` the smoothed RTT in ms, or -1. */
  onAck(acked: number, now: number, rtt: number): void;
  /** Loss detected by duplicate ACKs or SACK: recovery starts with `flightSize` bytes outstanding. */
  onLoss(flightSize: number, now: number): void;
  /** The recovery point was acknowledged. */
  onRecoveryEnd(now: number): void;
  /** The retransmission timer expired. */
  onTimeout(flightSize: number, now: number): void;
  /** The last loss response was spurious (D-SACK showed every retransmission arrived twice). */
  undo(cwnd: number, ssthresh: number): void;
}

/** Builds a controller for a connection once the MSS is known. */
export type CongestionFactory = (mss: number, initialWindow: number) => CongestionControl;
