// Sender-side SACK scoreboard (RFC 6675): the ranges above SND.UNA the peer reported holding.
// A bounded sorted list; losing a block to the bound only makes the sender more conservative.

import { seqDiff, seqGe, seqGt, seqLe, seqLt, seqMax, seqMin } from './seq.js';

/** Shared by every scoreboard that has not needed a block yet. */
const NO_BLOCKS = new Uint32Array(0);

export class SackScoreboard {
  // Allocated with the first block: most connections never see a SACK, and a connection's
  // memory is what a churn of short connections promotes into the old generation.
  private left = NO_BLOCKS;
  private right = NO_BLOCKS;
  count = 0;
  /** Total SACKed bytes. */
  sacked = 0;
  /** End of the hole found by the last nextHole call. */
  holeEnd = 0;

  constructor(private readonly maxBlocks: number) {}

  clear(): void {
    this.count = 0;
    this.sacked = 0;
  }

  /** Highest SACKed sequence number (exclusive), or `fallback` when empty. */
  highest(fallback: number): number {
    return this.count > 0 ? this.right[this.count - 1]! : fallback;
  }

  /** Records `[l, r)` clamped to `(una, sndMax]`; returns the newly SACKed byte count. */
  add(l: number, r: number, una: number, sndMax: number): number {
    if (seqLt(l, una)) l = una;
    if (seqGt(r, sndMax)) r = sndMax;
    if (!seqLt(l, r)) return 0;
    const count = this.count;
    let i = 0;
    while (i < count && seqLt(this.right[i]!, l)) i++;
    let j = i;
    while (j < count && seqLe(this.left[j]!, r)) j++;
    if (j === i) {
      if (count === this.maxBlocks) return 0;
      if (this.left.length === 0) {
        this.left = new Uint32Array(this.maxBlocks);
        this.right = new Uint32Array(this.maxBlocks);
      }
      this.left.copyWithin(i + 1, i, count);
      this.right.copyWithin(i + 1, i, count);
      this.left[i] = l;
      this.right[i] = r;
      this.count = count + 1;
      const added = seqDiff(r, l);
      this.sacked += added;
      return added;
    }
    let before = 0;
    for (let k = i; k < j; k++) before += seqDiff(this.right[k]!, this.left[k]!);
    const nl = seqMin(this.left[i]!, l);
    const nr = seqMax(this.right[j - 1]!, r);
    this.left[i] = nl;
    this.right[i] = nr;
    if (j - i > 1) {
      this.left.copyWithin(i + 1, j, count);
      this.right.copyWithin(i + 1, j, count);
      this.count = count - (j - i - 1);
    }
    const added = seqDiff(nr, nl) - before;
    this.sacked += added;
    return added;
  }

  /** Forgets everything below `una` (cumulatively acknowledged). */
  prune(una: number): void {
    let drop = 0;
    while (drop < this.count && seqLe(this.right[drop]!, una)) {
      this.sacked -= seqDiff(this.right[drop]!, this.left[drop]!);
      drop++;
    }
    if (drop > 0) {
      this.left.copyWithin(0, drop, this.count);
      this.right.copyWithin(0, drop, this.count);
      this.count -= drop;
    }
    if (this.count > 0 && seqLt(this.left[0]!, una)) {
      this.sacked -= seqDiff(una, this.left[0]!);
      this.left[0] = una;
    }
  }

  /** SACKed bytes inside `[a, b)`. */
  sackedIn(a: number, b: number): number {
    let n = 0;
    for (let i = 0; i < this.count; i++) {
      const l = seqMax(this.left[i]!, a);
      const r = seqMin(this.right[i]!, b);
      if (seqLt(l, r)) n += seqDiff(r, l);
    }
    return n;
  }

  /**
   * RFC 6675 IsLost as a boundary: every un-SACKed byte below the returned sequence number has
   * either `dupThresh` SACKed blocks or more than `(dupThresh - 1) * mss` SACKed bytes above it.
   * Returns `una` when nothing is lost.
   */
  lostBoundary(una: number, dupThresh: number, mss: number): number {
    const threshold = (dupThresh - 1) * mss;
    let above = 0;
    for (let i = this.count - 1, blocks = 1; i >= 0; i--, blocks++) {
      above += seqDiff(this.right[i]!, this.left[i]!);
      if (above > threshold || blocks >= dupThresh) return seqMax(this.left[i]!, una);
    }
    return una;
  }

  /**
   * First un-SACKed sequence number in `[from, limit)`, or `limit`; sets `holeEnd` to the end of
   * that hole (at most `limit`).
   */
  nextHole(from: number, limit: number): number {
    let at = from;
    for (let i = 0; i < this.count; i++) {
      if (seqLe(this.right[i]!, at)) continue;
      if (seqGt(this.left[i]!, at)) {
        this.holeEnd = seqMin(this.left[i]!, limit);
        return seqLt(at, limit) ? at : limit;
      }
      at = this.right[i]!;
    }
    this.holeEnd = limit;
    return seqGe(at, limit) ? limit : at;
  }
}
