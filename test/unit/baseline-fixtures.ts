import type { FaultActivity } from '../../src/baseline/fault-activity.js';
import type { PhaseResult } from '../../src/baseline/phase-result.js';

export const NO_FAULTS: FaultActivity = {
  packets: 0,
  delayed: 0,
  lost: 0,
  burstLost: 0,
  queueDropped: 0,
  reordered: 0,
  duplicated: 0,
  dnsQueries: 0,
  dnsDelayed: 0,
  dnsTimeout: 0,
  dnsNxdomain: 0,
  dnsServfail: 0,
  discarded: 0,
};

/** A phase result with round numbers; `over` replaces any field. */
export function phase(over: Partial<PhaseResult>): PhaseResult {
  return {
    name: 'baseline',
    description: 'no policy',
    policies: [],
    ops: 1000,
    errors: 0,
    errorRate: 0,
    elapsedMs: 2000,
    opsPerSecond: 500,
    bytesPerSecond: 0,
    p50Ms: 2,
    p95Ms: 5,
    p99Ms: 8,
    maxMs: 9,
    errorReasons: {},
    byKind: {},
    faults: NO_FAULTS,
    rss: { startKb: 50_000, peakKb: 60_000, growthKb: 10_000 },
    ...over,
  };
}
