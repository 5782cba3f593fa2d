// Per-connection loss-recovery counters (and, summed, the endpoint's): what the src/ side shows.

/** A cumulative ACK gap longer than this, with data outstanding, counts as time without progress. */
export const STALL_GAP_MS = 10;

export class TcpCounters {
  /** Segments sent again (fast retransmit, RTO, probes of old data). */
  retransmittedSegments = 0;
  /** Retransmission timer expiries with data outstanding. */
  rtos = 0;
  /** RTOs later undone as spurious. */
  spuriousRtos = 0;
  tailLossProbes = 0;
  fastRecoveries = 0;
  dsacksReceived = 0;
  bytesSent = 0;
  bytesAcked = 0;
  /** ms spent in cumulative-ACK gaps longer than STALL_GAP_MS while data was outstanding. */
  stalledMs = 0;

  reset(): void {
    this.retransmittedSegments = 0;
    this.rtos = 0;
    this.spuriousRtos = 0;
    this.tailLossProbes = 0;
    this.fastRecoveries = 0;
    this.dsacksReceived = 0;
    this.bytesSent = 0;
    this.bytesAcked = 0;
    this.stalledMs = 0;
  }

  add(o: TcpCounters): void {
    this.retransmittedSegments += o.retransmittedSegments;
    this.rtos += o.rtos;
    this.spuriousRtos += o.spuriousRtos;
    this.tailLossProbes += o.tailLossProbes;
    this.fastRecoveries += o.fastRecoveries;
    this.dsacksReceived += o.dsacksReceived;
    this.bytesSent += o.bytesSent;
    this.bytesAcked += o.bytesAcked;
    this.stalledMs += o.stalledMs;
  }
}
