import type { Fault, FaultContext } from './fault.js';
import type { Rng } from './rng.js';

/** With probability `prob`, 1..maxExtra extra copies (uniformly); they follow the original. */
export class Duplicate implements Fault {
  readonly stage = 'packet';
  constructor(
    private readonly prob: number,
    private readonly maxExtra: number,
    private readonly rng: Rng,
  ) {}

  apply(ctx: FaultContext): boolean {
    if (this.rng.next() < this.prob) ctx.copies = 1 + Math.floor(this.rng.next() * this.maxExtra);
    return true;
  }
}
