import type { Distribution } from '../policy/types.js';
import { distributionTable, TABLE_SIZE } from './distributions.js';
import type { Fault, FaultContext } from './fault.js';
import type { Rng } from './rng.js';

/**
 * latency ± jitter, netem style: delay = latency + jitter * t, where t is 2p - 1 for uniform (so
 * jitter is the half-width) or the distribution table's value at p (so jitter is the scale, the
 * standard deviation for normal). With correlation rho, p = (1 - rho) * fresh + rho * previous p,
 * as netem's get_crandom does. A negative delay counts as zero.
 */
export class Delay implements Fault {
  readonly stage = 'copy';
  private readonly table: Float64Array | null;
  private last: number;

  constructor(
    private readonly latencyMs: number,
    private readonly jitterMs: number,
    distribution: Distribution,
    private readonly correlation: number,
    private readonly rng: Rng,
    private readonly reorders = false,
  ) {
    this.table = distribution === 'uniform' ? null : distributionTable(distribution);
    this.last = rng.next();
  }

  sample(): number {
    if (this.jitterMs === 0) return this.latencyMs;
    let p = this.rng.next();
    if (this.correlation > 0) {
      p = (1 - this.correlation) * p + this.correlation * this.last;
      this.last = p;
    }
    const t = this.table === null ? 2 * p - 1 : this.table[(p * TABLE_SIZE) | 0]!;
    const delay = this.latencyMs + this.jitterMs * t;
    return Math.max(0, delay);
  }

  apply(ctx: FaultContext): boolean {
    ctx.time += this.sample();
    ctx.unordered = this.reorders;
    return true;
  }
}
