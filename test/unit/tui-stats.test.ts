import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  bucketMeans,
  deriveRates,
  EMPTY_STATS,
  HISTORY_MS,
  nextStats,
  worthShowing,
} from '../../tui/stats-state.js';
import { SNAP_A, SNAP_B } from './tui-fixtures.js';

test('rates come from the difference of two snapshots over the uptime between them', () => {
  const rates = deriveRates(SNAP_A, SNAP_B);
  assert.deepEqual(rates, {
    uplink: { packetsPerSec: 1000, bytesPerSec: 1_000_000 },
    downlink: { packetsPerSec: 2000, bytesPerSec: 2_000_000 },
  });
  const half = deriveRates(SNAP_A, { ...SNAP_B, uptimeMs: SNAP_A.uptimeMs + 500 });
  assert.equal(half.uplink.packetsPerSec, 2000);
});

test('a counter that went down (reset) gives a rate of 0, not a negative one', () => {
  const reset = { ...SNAP_B, uplink: { ...SNAP_B.uplink, packetsIn: 10, bytesIn: 1000 } };
  const rates = deriveRates(SNAP_A, reset);
  assert.deepEqual(rates.uplink, { packetsPerSec: 0, bytesPerSec: 0 });
  assert.equal(rates.downlink.packetsPerSec, 2000);
});

test('the first snapshot has no rate; the next one adds a history sample', () => {
  const first = nextStats(EMPTY_STATS, SNAP_A);
  assert.equal(first.snapshot, SNAP_A);
  assert.equal(first.rates.uplink.packetsPerSec, 0);
  assert.deepEqual(first.history, []);
  const second = nextStats(first, SNAP_B);
  assert.equal(second.rates.uplink.bytesPerSec, 1_000_000);
  assert.equal(second.history.length, 1);
  assert.equal(second.history[0]!.atMs, 11_000);
  assert.equal(nextStats(second, SNAP_B).history.length, 1, 'the same instant again adds nothing');
});

test('the history keeps the last minute only, and starts over when uptime goes back (a new network)', () => {
  let state = nextStats(EMPTY_STATS, SNAP_A);
  for (let i = 1; i <= 80; i++) {
    const n = 10 + i;
    state = nextStats(state, {
      ...SNAP_A,
      uptimeMs: SNAP_A.uptimeMs + i * 1000,
      uplink: { ...SNAP_A.uplink, packetsIn: 1000 * n, bytesIn: 1000 * n },
    });
  }
  assert.equal(state.history.length, HISTORY_MS / 1000);
  assert.equal(state.history[0]!.atMs, SNAP_A.uptimeMs + 21_000);
  assert.deepEqual(nextStats(state, SNAP_A).history, []);
});

test('bucketMeans averages the samples of each slice of the minute', () => {
  const sample = (atMs: number, bytes: number) => ({
    atMs,
    uplink: { packetsPerSec: 0, bytesPerSec: bytes },
    downlink: { packetsPerSec: 0, bytesPerSec: 0 },
  });
  const history = [sample(1_000, 10), sample(2_000, 30), sample(45_000, 7), sample(60_000, 5)];
  const means = bucketMeans(history, 60_000, 4, (s) => s.uplink.bytesPerSec);
  assert.deepEqual(means, [20, 0, 0, 6]);
});

test('an idle snapshot is shown only when the uptime on screen (whole seconds) changes', () => {
  const shown = nextStats(nextStats(EMPTY_STATS, SNAP_A), { ...SNAP_A, uptimeMs: 10_500 });
  const idle = nextStats(shown, { ...SNAP_A, uptimeMs: 10_750 });
  assert.equal(worthShowing(shown, idle), false);
  assert.equal(worthShowing(shown, nextStats(shown, { ...SNAP_A, uptimeMs: 11_000 })), true);
  const paused = nextStats(shown, { ...SNAP_A, uptimeMs: 10_750, paused: true });
  assert.equal(worthShowing(shown, paused), true);
  assert.equal(worthShowing(shown, nextStats(shown, { ...SNAP_B, uptimeMs: 10_750 })), true);
  assert.equal(worthShowing(EMPTY_STATS, shown), true);
});
