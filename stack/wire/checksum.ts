// Internet checksum (RFC 1071).
//
// Sums are kept "unfolded": a running total of big-endian 16-bit words as a plain JS number. Each
// sumBytes call folds its own contribution to at most 0xffff before adding it to `initial`, so a
// chain of n calls stays below n * 0x10000 + initial: exact in a double for any realistic chain
// (2^37 calls). Chaining is correct when every chunk except the last has an even length, because
// each chunk is summed as if it started at an even position of the checksummed data.
//
// The bulk of the data is summed as native 32-bit lanes through a Uint32Array over the underlying
// ArrayBuffer. The ones' complement sum is byte-order independent (RFC 1071 section 2B), so the
// lane sum is folded and byte-swapped once at the end on little-endian hosts.

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

// Sums of more lanes than this are folded before the accumulator can leave the exact double range.
const LANES_PER_FOLD = 1 << 20;

// Below this length the byte loop is as fast as setting up the lane loop.
const LANE_THRESHOLD = 32;

// A few cached lane views: packets live in a few slabs (the TUN read slab, the stack's output
// buffer, ...), used in turn, so views are almost always reused and the hot path allocates nothing.
const CACHED_VIEWS = 4;
const laneBuffers: (ArrayBufferLike | null)[] = new Array(CACHED_VIEWS).fill(null);
const laneViews: Uint32Array[] = Array.from({ length: CACHED_VIEWS }, () => new Uint32Array(0));
let nextVictim = 0;

function lanesFor(buffer: ArrayBufferLike, endLane: number): Uint32Array {
  for (let i = 0; i < CACHED_VIEWS; i++) {
    if (laneBuffers[i] === buffer && endLane <= laneViews[i]!.length) return laneViews[i]!;
  }
  const slot = nextVictim;
  nextVictim = (nextVictim + 1) % CACHED_VIEWS;
  laneBuffers[slot] = buffer;
  laneViews[slot] = new Uint32Array(buffer, 0, buffer.byteLength >>> 2);
  return laneViews[slot]!;
}

function fold16(sum: number): number {
  while (sum > 0xffffffff) sum = (sum % 0x10000) + Math.floor(sum / 0x10000);
  while (sum > 0xffff) sum = (sum >>> 16) + (sum & 0xffff);
  return sum;
}

// Bytes at even positions of the checksummed data are high-order bytes of a 16-bit word.
function sumByteRun(buf: Uint8Array, start: number, end: number, oddFirst: boolean): number {
  let sum = 0;
  let i = start;
  if (oddFirst && i < end) sum += buf[i++]!;
  for (; i + 1 < end; i += 2) sum += (buf[i]! << 8) | buf[i + 1]!;
  if (i < end) sum += buf[i]! << 8;
  return sum;
}

/**
 * Adds the 16-bit big-endian words of `buf[off, off+len)` to `initial` (ones' complement style,
 * unfolded). An odd trailing byte is padded with zero.
 */
export function sumBytes(buf: Uint8Array, off: number, len: number, initial = 0): number {
  const end = off + len;
  if (len < LANE_THRESHOLD) return initial + fold16(sumByteRun(buf, off, end, false));

  const base = buf.byteOffset;
  const lead = (4 - ((base + off) & 3)) & 3;
  let sum = sumByteRun(buf, off, off + lead, false);

  const laneStart = (base + off + lead) >>> 2;
  const laneCount = (len - lead) >>> 2;
  const laneEnd = laneStart + laneCount;
  const view = lanesFor(buf.buffer, laneEnd);
  let laneSum = 0;
  let i = laneStart;
  while (i < laneEnd) {
    const stop = Math.min(laneEnd, i + LANES_PER_FOLD);
    let acc = 0;
    for (; i < stop; i++) acc += view[i]!;
    laneSum = fold16(laneSum + fold16(acc));
  }
  // Lanes read in host order; a swap moves the sum into big-endian word order. An odd lead shifts
  // every lane by one byte, which is itself one more swap.
  const swap = LITTLE_ENDIAN !== ((lead & 1) === 1);
  if (swap) laneSum = ((laneSum & 0xff) << 8) | (laneSum >>> 8);
  sum += laneSum;

  const tailStart = off + lead + laneCount * 4;
  sum += sumByteRun(buf, tailStart, end, (lead & 1) === 1);
  return initial + fold16(sum);
}

/** Folds a running sum to 16 bits and complements it: the value to store in a checksum field. */
export function foldChecksum(sum: number): number {
  return ~fold16(sum) & 0xffff;
}

/** The checksum of `buf[off, off+len)` with an optional running sum (e.g. a pseudo-header). */
export function checksum(buf: Uint8Array, off: number, len: number, initial = 0): number {
  return foldChecksum(sumBytes(buf, off, len, initial));
}

/** True when the data, checksum field included, sums to ones' complement zero. */
export function verifyChecksum(buf: Uint8Array, off: number, len: number, initial = 0): boolean {
  return foldChecksum(sumBytes(buf, off, len, initial)) === 0;
}

/**
 * Zeroes the 16-bit checksum field at `fieldOff`, computes the checksum over `buf[off, off+len)`
 * plus `initial`, stores it big-endian and returns it. Shared by IPv4, ICMP, UDP and TCP.
 */
export function writeChecksum(
  buf: Uint8Array,
  off: number,
  len: number,
  fieldOff: number,
  initial = 0,
): number {
  buf[fieldOff] = 0;
  buf[fieldOff + 1] = 0;
  const value = checksum(buf, off, len, initial);
  buf[fieldOff] = value >>> 8;
  buf[fieldOff + 1] = value & 0xff;
  return value;
}

/** Pseudo-header sum for TCP/UDP over IPv4 (RFC 793/768): addresses, protocol, L4 length. */
export function pseudoHeaderSumV4(
  src: Uint8Array,
  srcOff: number,
  dst: Uint8Array,
  dstOff: number,
  proto: number,
  length: number,
): number {
  return (
    ((src[srcOff]! << 8) | src[srcOff + 1]!) +
    ((src[srcOff + 2]! << 8) | src[srcOff + 3]!) +
    ((dst[dstOff]! << 8) | dst[dstOff + 1]!) +
    ((dst[dstOff + 2]! << 8) | dst[dstOff + 3]!) +
    (proto & 0xff) +
    (length & 0xffff)
  );
}

/** Pseudo-header sum for upper layers over IPv6 (RFC 8200 section 8.1); `length` is 32-bit. */
export function pseudoHeaderSumV6(
  src: Uint8Array,
  srcOff: number,
  dst: Uint8Array,
  dstOff: number,
  nextHeader: number,
  length: number,
): number {
  let sum = (nextHeader & 0xff) + (length >>> 16) + (length & 0xffff);
  for (let i = 0; i < 16; i += 2) {
    sum += (src[srcOff + i]! << 8) | src[srcOff + i + 1]!;
    sum += (dst[dstOff + i]! << 8) | dst[dstOff + i + 1]!;
  }
  return sum;
}
