import type { PhaseResult } from './phase-result.js';

export interface Limits {
  /** Largest acceptable errors / ops of any phase, in [0, 1]. */
  maxErrorRate: number;
  /** Largest acceptable RSS growth of faultnet since the run started, in KiB, at any phase. */
  maxRssDeltaKb: number;
}

function topReasons(r: PhaseResult): string {
  return Object.entries(r.errorReasons)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
}

/** Why a run fails its limits, one sentence per broken limit; empty when it passes. */
export function limitViolations(results: readonly PhaseResult[], limits: Limits): string[] {
  if (results.length === 0) return ['no phase ran'];
  const reasons: string[] = [];
  for (const r of results) {
    if (r.ops === 0) {
      reasons.push(`phase ${r.name}: no operation ran`);
      continue;
    }
    if (r.errorRate > limits.maxErrorRate) {
      reasons.push(
        `phase ${r.name}: error rate ${(r.errorRate * 100).toFixed(2)}% (${r.errors} of ${r.ops}: ${topReasons(r)}) exceeds the limit ${(limits.maxErrorRate * 100).toFixed(2)}%`,
      );
    }
    if (r.rss.growthKb > limits.maxRssDeltaKb) {
      reasons.push(
        `phase ${r.name}: faultnet's RSS grew by ${r.rss.growthKb} KiB (${r.rss.startKb} -> ${r.rss.peakKb} KiB), over the limit ${limits.maxRssDeltaKb} KiB`,
      );
    }
  }
  return reasons;
}
