// The send buffer is also the retransmit queue: it holds every byte from SND.UNA to the end of
// what the application queued, so a retransmission is a copy from the ring like a first send.

import { seqAdd, seqDiff } from './seq.js';
import { SeqRing } from './seq-ring.js';

export class SendBuffer {
  private readonly ring = new SeqRing();
  /** Sequence number of the oldest unacknowledged data byte. */
  start = 0;
  length = 0;

  constructor(readonly limit: number) {}

  init(seq: number): void {
    this.start = seq >>> 0;
    this.length = 0;
  }

  /** Sequence number just after the last queued byte. */
  get end(): number {
    return seqAdd(this.start, this.length);
  }

  get free(): number {
    return this.limit - this.length;
  }

  /** Queues as much of `src[off, off+len)` as fits; returns the bytes taken. */
  append(src: Uint8Array, off: number, len: number): number {
    const n = Math.min(len, this.limit - this.length);
    if (n <= 0) return 0;
    this.ring.reserve(this.length + n, this.start, this.length);
    this.ring.write(seqAdd(this.start, this.length), src, off, n);
    this.length += n;
    return n;
  }

  /** Drops bytes before `seq` (clamped to the buffer); returns how many were dropped. */
  ackTo(seq: number): number {
    const n = Math.min(Math.max(seqDiff(seq, this.start), 0), this.length);
    this.start = seqAdd(this.start, n);
    this.length -= n;
    return n;
  }

  copyOut(seq: number, dst: Uint8Array, dstOff: number, len: number): void {
    this.ring.read(seq, dst, dstOff, len);
  }

  release(): void {
    this.ring.release();
    this.length = 0;
  }
}
