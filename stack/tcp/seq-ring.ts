// A power-of-two byte ring addressed by sequence number: byte `seq` lives at `seq & mask`. 2^32
// is a multiple of every power-of-two capacity, so positions stay consistent across sequence wrap.
// Memory is taken on demand and given back on release, so an idle connection costs nothing.

import { copyBytes } from '../wire/bytes.js';

const EMPTY = new Uint8Array(0);
const MIN_CAPACITY = 16 * 1024;

export class SeqRing {
  buf: Uint8Array = EMPTY;
  private mask = 0;

  get capacity(): number {
    return this.buf.length;
  }

  /** Grows to hold at least `need` bytes, keeping the live bytes `[liveStart, liveStart+liveLen)`. */
  reserve(need: number, liveStart: number, liveLen: number): void {
    if (need <= this.buf.length) return;
    let size = Math.max(MIN_CAPACITY, this.buf.length);
    while (size < need) size *= 2;
    const old = this.buf;
    const next = new Uint8Array(size);
    if (liveLen > 0 && old.length > 0) {
      const oldMask = this.mask;
      const newMask = size - 1;
      let done = 0;
      while (done < liveLen) {
        const seq = (liveStart + done) >>> 0;
        const from = seq & oldMask;
        const to = seq & newMask;
        const n = Math.min(liveLen - done, old.length - from, size - to);
        copyBytes(old, from, next, to, n);
        done += n;
      }
    }
    this.buf = next;
    this.mask = size - 1;
  }

  write(seq: number, src: Uint8Array, srcOff: number, len: number): void {
    const pos = seq & this.mask;
    const first = Math.min(len, this.buf.length - pos);
    copyBytes(src, srcOff, this.buf, pos, first);
    if (first < len) copyBytes(src, srcOff + first, this.buf, 0, len - first);
  }

  read(seq: number, dst: Uint8Array, dstOff: number, len: number): void {
    const pos = seq & this.mask;
    const first = Math.min(len, this.buf.length - pos);
    copyBytes(this.buf, pos, dst, dstOff, first);
    if (first < len) copyBytes(this.buf, 0, dst, dstOff + first, len - first);
  }

  release(): void {
    this.buf = EMPTY;
    this.mask = 0;
  }
}
