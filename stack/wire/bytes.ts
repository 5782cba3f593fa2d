// Big-endian field access shared by every header format. Callers bounds-check first.

export function readU16(buf: Uint8Array, off: number): number {
  return (buf[off]! << 8) | buf[off + 1]!;
}

export function readU32(buf: Uint8Array, off: number): number {
  return ((buf[off]! << 24) | (buf[off + 1]! << 16) | (buf[off + 2]! << 8) | buf[off + 3]!) >>> 0;
}

export function writeU16(buf: Uint8Array, off: number, value: number): void {
  buf[off] = value >>> 8;
  buf[off + 1] = value;
}

export function writeU32(buf: Uint8Array, off: number, value: number): void {
  buf[off] = value >>> 24;
  buf[off + 1] = value >>> 16;
  buf[off + 2] = value >>> 8;
  buf[off + 3] = value;
}

// Beyond this size a subarray view (one small allocation) and a memmove beat a byte loop.
const BULK_COPY = 64;

/** Copies `len` bytes, overlapping ranges included, without allocating for short copies. */
export function copyBytes(
  src: Uint8Array,
  srcOff: number,
  dst: Uint8Array,
  dstOff: number,
  len: number,
): void {
  if (src === dst) {
    dst.copyWithin(dstOff, srcOff, srcOff + len);
  } else if (len > BULK_COPY || src.buffer === dst.buffer) {
    dst.set(src.subarray(srcOff, srcOff + len), dstOff);
  } else {
    for (let i = 0; i < len; i++) dst[dstOff + i] = src[srcOff + i]!;
  }
}
