// Receive buffer with out-of-order reassembly. Out-of-order bytes go straight into the ring at
// their final position and a short sorted list of ranges records what is present above the
// in-order edge. The next expected segment never needs a range slot, so a full range list can
// only ever cost an out-of-order segment, never stall the stream.

import type { TcpSackBlock } from '../wire/tcp.js';
import { seqAdd, seqDiff, seqGe, seqLe, seqLt, seqMax, seqMin } from './seq.js';
import { SeqRing } from './seq-ring.js';

export const InsertResult = {
  /** The in-order edge moved. */
  ADVANCED: 1,
  /** Stored above a hole. */
  OUT_OF_ORDER: 2,
  /** Every byte was already present. */
  DUPLICATE: 4,
  /** Out of order with no range slot left: not stored. */
  DROPPED: 8,
} as const;

/** Shared by every buffer that has not needed an out-of-order range yet. */
const NO_RANGES = new Uint32Array(0);
const NO_STAMPS = new Float64Array(0);

export class ReceiveBuffer {
  private readonly ring = new SeqRing();
  /** First byte the application has not read. */
  readSeq = 0;
  /** First byte not yet received in order (RCV.NXT for data). */
  nxt = 0;
  // Allocated with the first out-of-order segment, which most connections never see.
  private oooLeft = NO_RANGES;
  private oooRight = NO_RANGES;
  oooCount = 0;
  /** When each range last took a segment (a counter): SACK blocks go most recent first. */
  private oooTouched = NO_STAMPS;
  private stamp = 0;

  /**
   * @param limit bytes the window may cover (the advertised maximum)
   * @param slack bytes above `limit` the ring must still hold: window-scale rounding
   * @param maxRanges out-of-order ranges tracked at once
   */
  constructor(
    readonly limit: number,
    private readonly slack: number,
    private readonly maxRanges: number,
  ) {}

  init(seq: number): void {
    this.readSeq = seq >>> 0;
    this.nxt = seq >>> 0;
    this.oooCount = 0;
  }

  /** In-order bytes waiting for the application. */
  get readable(): number {
    return seqDiff(this.nxt, this.readSeq);
  }

  /** The highest sequence number the ring can hold, exclusive. */
  get maxEnd(): number {
    return seqAdd(this.readSeq, this.limit + this.slack);
  }

  /** Stores `src[off, off+len)` at `seq`; the caller trimmed it to `[nxt, maxEnd)`. */
  insert(seq: number, src: Uint8Array, off: number, len: number): number {
    const end = seqAdd(seq, len);
    if (seq === this.nxt) {
      this.store(seq, src, off, len);
      this.nxt = end;
      this.absorbRanges();
      return InsertResult.ADVANCED;
    }
    return this.insertRange(seq, end, src, off, len);
  }

  private store(seq: number, src: Uint8Array, off: number, len: number): void {
    const need = seqDiff(seqAdd(seq, len), this.readSeq);
    const live = this.oooCount > 0 ? seqDiff(this.oooRight[this.oooCount - 1]!, this.readSeq) : this.readable;
    this.ring.reserve(need, this.readSeq, live);
    this.ring.write(seq, src, off, len);
  }

  private absorbRanges(): void {
    let drop = 0;
    while (drop < this.oooCount && seqLe(this.oooLeft[drop]!, this.nxt)) {
      this.nxt = seqMax(this.nxt, this.oooRight[drop]!);
      drop++;
    }
    if (drop > 0) this.removeRanges(0, drop);
  }

  private insertRange(seq: number, end: number, src: Uint8Array, off: number, len: number): number {
    const count = this.oooCount;
    // First range whose right edge reaches seq: it and the ones after it may touch [seq, end).
    let i = 0;
    while (i < count && seqLt(this.oooRight[i]!, seq)) i++;
    if (i < count && seqLe(this.oooLeft[i]!, seq) && seqGe(this.oooRight[i]!, end)) {
      this.oooTouched[i] = ++this.stamp;
      return InsertResult.DUPLICATE;
    }
    let j = i;
    while (j < count && seqLe(this.oooLeft[j]!, end)) j++;
    // Ranges i..j-1 overlap or touch the new one and merge into slot i.
    if (j === i && count === this.maxRanges) return InsertResult.DROPPED;
    if (this.oooLeft.length === 0) {
      this.oooLeft = new Uint32Array(this.maxRanges);
      this.oooRight = new Uint32Array(this.maxRanges);
      this.oooTouched = new Float64Array(this.maxRanges);
    }
    this.store(seq, src, off, len);
    if (j === i) {
      this.oooLeft.copyWithin(i + 1, i, count);
      this.oooRight.copyWithin(i + 1, i, count);
      this.oooTouched.copyWithin(i + 1, i, count);
      this.oooLeft[i] = seq;
      this.oooRight[i] = end;
      this.oooCount = count + 1;
    } else {
      this.oooLeft[i] = seqMin(this.oooLeft[i]!, seq);
      this.oooRight[i] = seqMax(this.oooRight[j - 1]!, end);
      if (j - i > 1) this.removeRanges(i + 1, j - i - 1);
    }
    this.oooTouched[i] = ++this.stamp;
    return InsertResult.OUT_OF_ORDER;
  }

  private removeRanges(at: number, n: number): void {
    this.oooLeft.copyWithin(at, at + n, this.oooCount);
    this.oooRight.copyWithin(at, at + n, this.oooCount);
    this.oooTouched.copyWithin(at, at + n, this.oooCount);
    this.oooCount -= n;
  }

  /**
   * Writes up to `max` SACK blocks into `out` from index `from`, most recently received first
   * (RFC 2018 section 4: the block of the latest segment, then the ones reported before it, so
   * that every range is repeated while it stays recent). Returns the number written.
   */
  sackBlocks(out: TcpSackBlock[], from: number, max: number): number {
    let n = 0;
    let below = Number.POSITIVE_INFINITY;
    // Few ranges and at most four blocks: repeated selection beats sorting.
    while (n < max) {
      let best = -1;
      for (let i = 0; i < this.oooCount; i++) {
        const t = this.oooTouched[i]!;
        if (t < below && (best < 0 || t > this.oooTouched[best]!)) best = i;
      }
      if (best < 0) break;
      below = this.oooTouched[best]!;
      out[from + n]!.left = this.oooLeft[best]!;
      out[from + n]!.right = this.oooRight[best]!;
      n++;
    }
    return n;
  }

  /** Copies and consumes up to `len` in-order bytes; returns how many. */
  read(dst: Uint8Array, dstOff: number, len: number): number {
    const n = Math.min(len, this.readable);
    if (n <= 0) return 0;
    this.ring.read(this.readSeq, dst, dstOff, n);
    this.readSeq = seqAdd(this.readSeq, n);
    return n;
  }

  release(): void {
    this.ring.release();
    this.oooCount = 0;
  }
}
