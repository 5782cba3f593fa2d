import type { Fault, FaultContext } from './fault.js';
import type { Rng } from './rng.js';

/**
 * packet_reorder: with probability `prob` a copy is held back; the engine releases it once
 * `window` later packets of its flow and direction have left, or `maxDelayMs` after it would have
 * left, whichever comes first.
 */
export class Reorder implements Fault {
  readonly stage = 'copy';
  constructor(
    private readonly prob: number,
    private readonly window: number,
    private readonly maxDelayMs: number,
    private readonly rng: Rng,
  ) {}

  apply(ctx: FaultContext): boolean {
    if (this.rng.next() < this.prob) {
      ctx.hold = true;
      ctx.holdWindow = this.window;
      ctx.holdMaxMs = this.maxDelayMs;
    }
    return true;
  }
}
