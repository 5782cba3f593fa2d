// Retransmission timeout estimation (RFC 6298): SRTT/RTTVAR smoothing, exponential backoff.
// Karn's rule is the caller's: it only samples segments that were never retransmitted, or
// samples through timestamps (RFC 7323), which are unambiguous.

// Timer granularity G of RFC 6298, in ms: timers fire on millisecond ticks, so the RTO keeps
// at least this much margin over SRTT.
const GRANULARITY = 1;
/** Samples come from a microsecond clock; a zero would make SRTT look unset. */
const MIN_SAMPLE = 0.001;

export class RttEstimator {
  srtt = 0;
  rttvar = 0;
  private base: number;
  private shift = 0;

  constructor(
    initialRto: number,
    private readonly minRto: number,
    private readonly maxRto: number,
  ) {
    this.base = initialRto;
  }

  get hasSample(): boolean {
    return this.srtt > 0;
  }

  /** The current timeout, backoff included. */
  get rto(): number {
    return Math.min(this.base * 2 ** this.shift, this.maxRto);
  }

  get backoffCount(): number {
    return this.shift;
  }

  sample(rtt: number): void {
    const r = Math.max(rtt, MIN_SAMPLE);
    if (this.srtt === 0) {
      this.srtt = r;
      this.rttvar = r / 2;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - r);
      this.srtt = 0.875 * this.srtt + 0.125 * r;
    }
    this.base = Math.min(
      Math.max(this.srtt + Math.max(GRANULARITY, 4 * this.rttvar), this.minRto),
      this.maxRto,
    );
  }

  backoff(): void {
    if (this.base * 2 ** this.shift < this.maxRto) this.shift++;
  }

  resetBackoff(): void {
    this.shift = 0;
  }
}
