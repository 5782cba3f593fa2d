import type { GilbertElliott } from '../policy/types.js';
import type { Fault, FaultContext } from './fault.js';
import type { Rng } from './rng.js';

/** Independent (Bernoulli) loss. */
export class BernoulliLoss implements Fault {
  readonly stage = 'packet';
  constructor(
    private readonly probability: number,
    private readonly rng: Rng,
  ) {}

  apply(ctx: FaultContext): boolean {
    if (this.rng.next() >= this.probability) return true;
    ctx.cause = 'loss';
    return false;
  }
}

/**
 * netem `gemodel`: a two-state chain per rule and direction. A packet is lost with the loss
 * probability of the state it finds; then the chain moves (netem draws the move first, but the
 * loss still uses the state the packet arrived in, so the outcome is the same).
 */
export class GilbertElliottLoss implements Fault {
  readonly stage = 'packet';
  private bad = false;

  constructor(
    private readonly model: GilbertElliott,
    private readonly rng: Rng,
  ) {}

  apply(ctx: FaultContext): boolean {
    const m = this.model;
    const lost = this.rng.next() < (this.bad ? m.lossBad : m.lossGood);
    if (this.rng.next() < (this.bad ? m.pBadToGood : m.pGoodToBad)) this.bad = !this.bad;
    if (!lost) return true;
    ctx.cause = 'gilbert';
    return false;
  }
}

/**
 * burst_loss N: once one of the wrapped loss faults drops a packet, the next N - 1 packets of the
 * same flow and direction are dropped too (counted as `burst`).
 */
export class BurstLoss implements Fault {
  readonly stage = 'packet';
  constructor(
    private readonly length: number,
    private readonly losses: readonly Fault[],
  ) {}

  apply(ctx: FaultContext): boolean {
    const lane = ctx.lane;
    if (lane.burstLeft > 0) {
      lane.burstLeft--;
      ctx.cause = 'burst';
      return false;
    }
    for (const loss of this.losses) {
      if (!loss.apply(ctx)) {
        lane.burstLeft = this.length - 1;
        return false;
      }
    }
    return true;
  }
}
