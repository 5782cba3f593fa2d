// Initial sequence numbers per RFC 6528: ISN = M + F(4-tuple, secret), M a 4 µs clock and F a
// keyed hash, so ISNs of one 4-tuple keep increasing across incarnations while other tuples'
// ISNs are unpredictable. F is a SipHash-style add-rotate-xor keyed hash on 32-bit words.

function rotl(x: number, b: number): number {
  return (x << b) | (x >>> (32 - b));
}

/** SipHash's add-rotate-xor round on a 32-bit state, `rounds` times. */
function sipRounds(v: Int32Array, rounds: number): void {
  let v0 = v[0]!;
  let v1 = v[1]!;
  let v2 = v[2]!;
  let v3 = v[3]!;
  for (let r = 0; r < rounds; r++) {
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
  v[0] = v0;
  v[1] = v1;
  v[2] = v2;
  v[3] = v3;
}

export class IsnGenerator {
  private readonly v = new Int32Array(4);
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
    const v = this.v;
    v[0] = this.k0 ^ 0x736f6d65;
    v[1] = this.k1 ^ 0x646f7261;
    v[2] = this.k2 ^ 0x6c796765;
    v[3] = this.k3 ^ 0x74656462;
    for (let i = 0; i <= n; i++) {
      const m = i < n ? words[i]! | 0 : n;
      v[3]! ^= m;
      sipRounds(v, 2);
      v[0]! ^= m;
    }
    v[2]! ^= 0xff;
    sipRounds(v, 4);
    return (v[0]! ^ v[1]! ^ v[2]! ^ v[3]!) >>> 0;
  }

  /** The ISN for the tuple in `words[0, n)` at `now` ms. */
  isn(words: Uint32Array, n: number, now: number): number {
    return (this.hash(words, n) + Math.floor(now * 250)) >>> 0;
  }
}
