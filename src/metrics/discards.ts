// Packets faultnet discards that no policy asked it to drop. The invariant is that none of these
// is invisible: each cause is counted here and shown in stats, the TUI and the run record.
// One cause a line, so that work in parallel adds its own causes without touching the others.

export const DISCARD_CAUSES = [
  /** A packet from the TUN that does not parse (bad header, length or checksum). */
  'malformed',
  /** A protocol or packet kind faultnet does not carry. */
  'unsupported',
  /** Dropped by the kernel in tun0's own transmit queue before faultnet read it. */
  'tunQueue',
] as const;

export type DiscardCause = (typeof DISCARD_CAUSES)[number];

export type DiscardStats = Record<DiscardCause, number>;

/** Counts by cause; plain fields bumped in place (no allocation per packet). */
export class DiscardCounters {
  readonly counts = Object.fromEntries(DISCARD_CAUSES.map((c) => [c, 0])) as DiscardStats;

  add(cause: DiscardCause, n = 1): void {
    this.counts[cause] += n;
  }

  get total(): number {
    let sum = 0;
    for (const cause of DISCARD_CAUSES) sum += this.counts[cause];
    return sum;
  }

  reset(): void {
    for (const cause of DISCARD_CAUSES) this.counts[cause] = 0;
  }

  snapshot(): DiscardStats {
    return { ...this.counts };
  }
}
