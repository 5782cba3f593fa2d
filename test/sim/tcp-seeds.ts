// Runs a range of seeded stack-against-itself simulations and summarises them.

import { runPair, seededOptions } from './tcp-pair.js';

export interface SeedSummary {
  failures: string[];
  bytes: number;
  /** Largest virtual time any seed needed, ms. */
  maxTime: number;
}

export function runSeeds(from: number, to: number): SeedSummary {
  const summary: SeedSummary = { failures: [], bytes: 0, maxTime: 0 };
  for (let seed = from; seed < to; seed++) {
    const opts = seededOptions(seed);
    const r = runPair(seed, opts);
    if (!r.ok) summary.failures.push(`seed ${seed}: ${r.error}`);
    summary.bytes += r.received[0] + r.received[1];
    summary.maxTime = Math.max(summary.maxTime, r.time);
  }
  return summary;
}
