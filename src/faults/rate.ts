import type { Rate } from '../policy/types.js';
import type { Fault, FaultContext } from './fault.js';

/**
 * A link of `bitsPerSecond` shared by every flow of one rule and direction: a copy finishes
 * serialisation at max(arrival, previous finish) + size * 8 / rate. The queue holds the copies
 * waiting for or in serialisation (not those in propagation delay afterwards); a copy that would
 * exceed the limit is tail-dropped.
 */
export class RateLimit implements Fault {
  readonly stage = 'copy';
  private readonly msPerByte: number;
  private busyUntil = Number.NEGATIVE_INFINITY;
  /** Ring of queued copies: finish times and sizes, oldest at `head`. */
  private finish = new Float64Array(64);
  private sizes = new Uint32Array(64);
  private head = 0;
  private count = 0;
  private queuedBytes = 0;

  constructor(private readonly rate: Rate) {
    this.msPerByte = 8000 / rate.bitsPerSecond;
  }

  apply(ctx: FaultContext): boolean {
    const arrival = ctx.time;
    const mask = this.finish.length - 1;
    while (this.count > 0 && this.finish[this.head]! <= arrival) {
      this.queuedBytes -= this.sizes[this.head]!;
      this.head = (this.head + 1) & mask;
      this.count--;
    }
    const full =
      this.rate.limitUnit === 'packets'
        ? this.count >= this.rate.limit
        : this.queuedBytes + ctx.size > this.rate.limit;
    if (full) {
      ctx.cause = 'queue_full';
      return false;
    }
    if (this.count === this.finish.length) this.grow();
    const done = Math.max(arrival, this.busyUntil) + ctx.size * this.msPerByte;
    const tail = (this.head + this.count) & (this.finish.length - 1);
    this.finish[tail] = done;
    this.sizes[tail] = ctx.size;
    this.count++;
    this.queuedBytes += ctx.size;
    this.busyUntil = done;
    ctx.time = done;
    return true;
  }

  private grow(): void {
    const finish = new Float64Array(this.finish.length * 2);
    const sizes = new Uint32Array(this.sizes.length * 2);
    for (let i = 0; i < this.count; i++) {
      const j = (this.head + i) & (this.finish.length - 1);
      finish[i] = this.finish[j]!;
      sizes[i] = this.sizes[j]!;
    }
    this.finish = finish;
    this.sizes = sizes;
    this.head = 0;
  }
}
