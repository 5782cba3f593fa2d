// TCP sequence-number arithmetic (RFC 9293 section 3.4): u32 values compared modulo 2^32, so
// "a before b" means the signed 32-bit distance from b to a is negative.

export function seqAdd(a: number, n: number): number {
  return (a + n) >>> 0;
}

/** Signed distance a - b (valid while |a - b| < 2^31). */
export function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

export function seqLt(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}

export function seqLe(a: number, b: number): boolean {
  return ((a - b) | 0) <= 0;
}

export function seqGt(a: number, b: number): boolean {
  return ((a - b) | 0) > 0;
}

export function seqGe(a: number, b: number): boolean {
  return ((a - b) | 0) >= 0;
}

export function seqMax(a: number, b: number): number {
  return ((a - b) | 0) >= 0 ? a : b;
}

export function seqMin(a: number, b: number): number {
  return ((a - b) | 0) <= 0 ? a : b;
}
