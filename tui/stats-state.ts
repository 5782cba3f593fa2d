import type { DirectionStats, StatsSnapshot } from '../src/metrics/index.js';

/** The sparklines cover this much time. */
export const HISTORY_MS = 60_000;

export interface DirectionRate {
  packetsPerSec: number;
  bytesPerSec: number;
}

/** Rates of the traffic entering the fault pipelines, between two consecutive snapshots. */
export interface Rates {
  uplink: DirectionRate;
  downlink: DirectionRate;
}

export interface RateSample extends Rates {
  /** `uptimeMs` of the later snapshot. */
  atMs: number;
}

/** What the screen shows about traffic: the newest snapshot, the rates it implies and their recent past. */
export interface StatsState {
  snapshot: StatsSnapshot | null;
  rates: Rates;
  /** Samples of the last HISTORY_MS, oldest first. */
  history: RateSample[];
}

const NO_RATE: DirectionRate = { packetsPerSec: 0, bytesPerSec: 0 };

export const EMPTY_STATS: StatsState = {
  snapshot: null,
  rates: { uplink: NO_RATE, downlink: NO_RATE },
  history: [],
};

/** Packets a direction dropped, whatever the cause. */
export function totalDrops(d: DirectionStats): number {
  return d.drops.loss + d.drops.burst + d.drops.gilbert + d.drops.queueFull;
}

/** A counter that went down was reset (`r`): the interval has no meaningful rate, so it counts as 0. */
function perSecond(before: number, after: number, seconds: number): number {
  return after >= before ? (after - before) / seconds : 0;
}

function directionRate(before: DirectionStats, after: DirectionStats, seconds: number): DirectionRate {
  return {
    packetsPerSec: perSecond(before.packetsIn, after.packetsIn, seconds),
    bytesPerSec: perSecond(before.bytesIn, after.bytesIn, seconds),
  };
}

/** The rates between two snapshots of one network; zero when no time passed between them. */
export function deriveRates(before: StatsSnapshot, after: StatsSnapshot): Rates {
  const seconds = (after.uptimeMs - before.uptimeMs) / 1000;
  if (!(seconds > 0)) return EMPTY_STATS.rates;
  return {
    uplink: directionRate(before.uplink, after.uplink, seconds),
    downlink: directionRate(before.downlink, after.downlink, seconds),
  };
}

/** The state after a new snapshot arrived. */
export function nextStats(state: StatsState, snapshot: StatsSnapshot): StatsState {
  if (state.snapshot === null || snapshot.uptimeMs < state.snapshot.uptimeMs) {
    return { snapshot, rates: EMPTY_STATS.rates, history: [] };
  }
  if (snapshot.uptimeMs === state.snapshot.uptimeMs) return { ...state, snapshot };
  const rates = deriveRates(state.snapshot, snapshot);
  const since = snapshot.uptimeMs - HISTORY_MS;
  const history = state.history.filter((s) => s.atMs > since);
  history.push({ atMs: snapshot.uptimeMs, ...rates });
  return { snapshot, rates, history };
}

/**
 * The history resampled to `buckets` equal slices of the last HISTORY_MS ending at `nowMs`: the mean
 * of each slice's samples, 0 for a slice without samples.
 */
export function bucketMeans(
  history: readonly RateSample[],
  nowMs: number,
  buckets: number,
  pick: (s: RateSample) => number,
): number[] {
  const sums = new Array<number>(buckets).fill(0);
  const counts = new Array<number>(buckets).fill(0);
  const start = nowMs - HISTORY_MS;
  for (const s of history) {
    const i = Math.min(buckets - 1, Math.floor(((s.atMs - start) / HISTORY_MS) * buckets));
    if (i < 0) continue;
    sums[i]! += pick(s);
    counts[i]!++;
  }
  return sums.map((sum, i) => (counts[i] === 0 ? 0 : sum / counts[i]!));
}

function withoutUptime(s: StatsSnapshot): string {
  return JSON.stringify({ ...s, uptimeMs: 0 });
}

/**
 * Whether `next` would look different from what is on screen (`shown`). An idle network sends
 * snapshots that differ only in uptime, and the screen shows uptime in whole seconds: redrawing
 * those at the full snapshot rate would cost CPU and show nothing new.
 */
export function worthShowing(shown: StatsState, next: StatsState): boolean {
  if (shown.snapshot === null || next.snapshot === null) return shown.snapshot !== next.snapshot;
  if (Math.floor(shown.snapshot.uptimeMs / 1000) !== Math.floor(next.snapshot.uptimeMs / 1000)) return true;
  return (
    JSON.stringify(shown.rates) !== JSON.stringify(next.rates) ||
    withoutUptime(shown.snapshot) !== withoutUptime(next.snapshot)
  );
}
