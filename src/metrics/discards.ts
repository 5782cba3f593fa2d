// Packets faultnet discards that no policy asked it to drop. The invariant is that none of these
// is invisible: each cause is counted here and shown in stats, the TUI and the run record.
// One cause a line, so that work in parallel adds its own causes without touching the others.

export const DISCARD_CAUSES = [
  /** A packet from the TUN that does not parse (bad header, length or checksum). */
  'malformed',
  /** A protocol or packet kind faultnet does not carry. */
  'unsupported',
  /** To an address or port nothing answers (the DNS address off port 53, the host without loopback). */
  'noRoute',
  /** Dropped by the kernel in tun0's own transmit queue before faultnet read it (tun0 tx_dropped). */
  'tunQueue',
  /** Toward the namespace while faultnet's 16 MiB writer ring was full: the namespace's receive path fell behind. */
  'tunRing',
  /** Written to tun0 but refused or dropped by the namespace's receive path (tun0 rx_dropped). */
  'tunWrite',
  /** Fragments of a datagram discarded whole because two of its fragments overlap (RFC 5722). */
  'fragmentOverlap',
  /** A fragment identical to one already held (a duplicate on the way): ignored, as a kernel does. */
  'fragmentDuplicate',
  /** A fragment inconsistent with its datagram (past 64 KiB, a ragged middle, a second end). */
  'fragmentMalformed',
  /** Fragments of a datagram still incomplete when reassembly time ran out (30 s IPv4, 60 s IPv6). */
  'fragmentTimeout',
  /** Fragments discarded to keep reassembly within its memory, datagram or per-datagram bound. */
  'fragmentLimit',
  /** SYNs reset because faultnet's host TCP connections (or connects in progress) were at their limit. */
  'connectLimit',
  /** Datagrams from a new namespace source when faultnet's host UDP sockets were at their limit. */
  'udpSocketLimit',
  /** Packets that would have opened a flow past the flow limit (`--max-flows`). */
  'flowLimit',
  /** Packets the fault pipelines could not hold: their held bytes were at the limit (`--max-held`). */
  'heldLimit',
  /** Packets the fault pipelines still held when the network closed: `linger` ran out first. */
  'closeHeld',
] as const;

export type DiscardCause = (typeof DISCARD_CAUSES)[number];

export type DiscardStats = Record<DiscardCause, number>;

/** The non-zero causes, as `malformed 4 · tunQueue 12`; `none` when nothing was discarded. */
export function formatDiscards(stats: DiscardStats): string {
  const parts = DISCARD_CAUSES.filter((c) => stats[c] > 0).map((c) => `${c} ${stats[c]}`);
  return parts.length === 0 ? 'none' : parts.join(' · ');
}

export function totalDiscards(stats: DiscardStats): number {
  let sum = 0;
  for (const cause of DISCARD_CAUSES) sum += stats[cause];
  return sum;
}

/** Counts by cause; plain fields bumped in place (no allocation per packet). */
export class DiscardCounters {
  readonly counts = Object.fromEntries(DISCARD_CAUSES.map((c) => [c, 0])) as DiscardStats;

  add(cause: DiscardCause, n = 1): void {
    this.counts[cause] += n;
  }

  get total(): number {
    return totalDiscards(this.counts);
  }

  reset(): void {
    for (const cause of DISCARD_CAUSES) this.counts[cause] = 0;
  }

  snapshot(): DiscardStats {
    return { ...this.counts };
  }
}
