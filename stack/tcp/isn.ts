// Initial sequence numbers per RFC 6528: ISN = M + F(4-tuple, secret), M a 4 µs clock and F a
// keyed hash, so ISNs of one 4-tuple keep increasing across incarnations while other tuples'
// ISNs are unpredictable. F is a SipHash-style add-rotate-xor keyed hash on 32-bit words.

function rotl(x: number, b: number): number {
  return (x << b) | (x >>> (32 - b));
}

export class IsnGenerator {
  private readonly k0: number;
  private readonly k1: number;
  private readonly k2: number;
  private readonly k3: number;

  /** `key`: four 32-bit words of secret; random when absent. */
  constructor(key?: Uint32Array) {
    const k = key ?? globalThis.crypto.getRandomValues(new Uint32Array(4));
    this.k0 = k[0]! | 0;
    this.k1 = k[1]! | 0;
    this.k2 = k[2]! | 0;
    this.k3 = k[3]! | 0;
  }

  /** Keyed hash of up to ten 32-bit words: local and remote address words and the two ports. */
  hash(words: Uint32Array, n: number): number {
    let v0 = this.k0 ^ 0x736f6d65;
    let v1 = this.k1 ^ 0x646f7261;
    let v2 = this.k2 ^ 0x6c796765;
    let v3 = this.k3 ^ 0x74656462;
    for (let i = 0; i <= n; i++) {
      const m = i < n ? words[i]! | 0 : n;
      v3 ^= m;
      for (let r = 0; r < 2; r++) {
        v0 = (v0 + v1) | 0;
        v1 = rotl(v1, 5) ^ v0;
        v0 = rotl(v0, 16);
        v2 = (v2 + v3) | 0;
        v3 = rotl(v3, 8) ^ v2;
        v0 = (v0 + v3) | 0;
        v3 = rotl(v3, 7) ^ v0;
        v2 = (v2 + v1) | 0;
        v1 = rotl(v1, 13) ^ v2;
        v2 = rotl(v2, 16);
      }
      v0 ^= m;
    }
    v2 ^= 0xff;
    for (let r = 0; r < 4; r++) {
      v0 = (v0 + v1) | 0;
      v1 = rotl(v1, 5) ^ v0;
      v0 = rotl(v0, 16);
      v2 = (v2 + v3) | 0;
      v3 = rotl(v3, 8) ^ v2;
      v0 = (v0 + v3) | 0;
      v3 = rotl(v3, 7) ^ v0;
      v2 = (v2 + v1) | 0;
      v1 = rotl(v1, 13) ^ v2;
      v2 = rotl(v2, 16);
    }
    return (v0 ^ v1 ^ v2 ^ v3) >>> 0;
  }

  /** The ISN for the tuple in `words[0, n)` at `now` ms. */
  isn(words: Uint32Array, n: number, now: number): number {
    return (this.hash(words, n) + Math.floor(now * 250)) >>> 0;
  }
}
