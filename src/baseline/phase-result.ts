import { DelayHistogram } from '../metrics/histogram.js';
import type { FaultActivity } from './fault-activity.js';
import type { KindTally, OperationKind, PhaseReport } from './protocol.js';

/** faultnet's resident set size over a phase, in KiB. */
export interface RssUsage {
  /** Before the first phase of the run. */
  startKb: number;
  /** The largest sample taken during this phase. */
  peakKb: number;
  /** peakKb - startKb: how far the process grew since the run started. */
  growthKb: number;
}

/** One phase of a comparison: what the client measured and what faultnet did. */
export interface PhaseResult {
  name: string;
  description: string;
  /** Policies active during the phase (empty for the baseline). */
  policies: string[];
  ops: number;
  errors: number;
  /** errors / ops; 0 when no operation ran. */
  errorRate: number;
  elapsedMs: number;
  /** Successful operations per second. */
  opsPerSecond: number;
  /** Payload bytes received per second. */
  bytesPerSecond: number;
  /** Latency quantiles of successful operations, ms (±2.2%, DelayHistogram buckets). */
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  errorReasons: Record<string, number>;
  byKind: Partial<Record<OperationKind, KindTally>>;
  faults: FaultActivity;
  rss: RssUsage;
}

export interface PhaseContext {
  description: string;
  policies: string[];
  faults: FaultActivity;
  rss: RssUsage;
}

export function summarizePhase(report: PhaseReport, context: PhaseContext): PhaseResult {
  const histogram = new DelayHistogram();
  for (const ms of report.latenciesMs) histogram.record(ms);
  const errors = Object.values(report.errors).reduce((a, b) => a + b, 0);
  const ops = report.latenciesMs.length + errors;
  const seconds = report.elapsedMs / 1000;
  return {
    name: report.name,
    ...context,
    ops,
    errors,
    errorRate: ops === 0 ? 0 : errors / ops,
    elapsedMs: report.elapsedMs,
    opsPerSecond: seconds > 0 ? report.latenciesMs.length / seconds : 0,
    bytesPerSecond: seconds > 0 ? report.bytes / seconds : 0,
    p50Ms: histogram.quantile(0.5),
    p95Ms: histogram.quantile(0.95),
    p99Ms: histogram.quantile(0.99),
    maxMs: histogram.maxMs,
    errorReasons: report.errors,
    byKind: report.byKind,
  };
}
