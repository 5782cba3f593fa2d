// A seeded two-way link on a virtual clock for simulations: per-direction delay, order-keeping
// jitter, independent loss, reordering (a packet held back past later ones) and duplication.
// Packets are copied on send; delivery times are quantised so packets arrive in batches.

import type { Rng } from '../../src/faults/rng.js';

export interface LinkDirection {
  /** One-way delay, ms. */
  delay: number;
  /** Extra uniform delay in [0, jitter) ms that never reorders. */
  jitter: number;
  loss: number;
  duplicate: number;
  /** Probability a packet is held back by up to `reorderDelay` ms extra. */
  reorder: number;
  reorderDelay: number;
  /** Packets per ms the link serialises (0 = unlimited). */
  rate: number;
}

interface InFlight {
  at: number;
  order: number;
  to: 0 | 1;
  data: Uint8Array;
}

export class LossyLink {
  private readonly heap: InFlight[] = [];
  private order = 0;
  private readonly lastAt = [0, 0];
  readonly sent = [0, 0];
  readonly lost = [0, 0];

  constructor(
    private readonly rng: Rng,
    private readonly dirs: [LinkDirection, LinkDirection],
    private readonly tick: number,
  ) {}

  /** Sends from side `from` (0 or 1) to the other side at `now`. */
  send(from: 0 | 1, packet: Uint8Array, len: number, now: number): void {
    const d = this.dirs[from];
    const rng = this.rng;
    this.sent[from]++;
    if (rng.next() < d.loss) {
      this.lost[from]++;
      return;
    }
    const copies = rng.next() < d.duplicate ? 2 : 1;
    for (let c = 0; c < copies; c++) {
      let at = now + d.delay + rng.next() * d.jitter;
      if (d.rate > 0) at = Math.max(at, this.lastAt[from]! + 1 / d.rate);
      at = Math.max(at, this.lastAt[from]!);
      this.lastAt[from] = at;
      if (rng.next() < d.reorder) at += rng.next() * d.reorderDelay;
      at = Math.ceil(at / this.tick) * this.tick;
      this.push({ at, order: this.order++, to: from === 0 ? 1 : 0, data: packet.slice(0, len) });
    }
  }

  nextTime(): number {
    return this.heap.length > 0 ? this.heap[0]!.at : Number.POSITIVE_INFINITY;
  }

  /** Removes and returns the next packet due at or before `now`, or null. */
  take(now: number): InFlight | null {
    if (this.heap.length === 0 || this.heap[0]!.at > now) return null;
    const top = this.heap[0]!;
    const last = this.heap.pop()!;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.down(0);
    }
    return top;
  }

  private less(a: InFlight, b: InFlight): boolean {
    return a.at < b.at || (a.at === b.at && a.order < b.order);
  }

  private push(item: InFlight): void {
    const h = this.heap;
    h.push(item);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= h.length) return;
      if (c + 1 < h.length && this.less(h[c + 1]!, h[c]!)) c++;
      if (!this.less(h[c]!, h[i]!)) return;
      [h[i], h[c]] = [h[c]!, h[i]!];
      i = c;
    }
  }
}
