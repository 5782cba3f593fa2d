import assert from 'node:assert/strict';
import { test } from 'node:test';
import { faultActivity, formatActivity } from '../../src/baseline/fault-activity.js';
import { summarizePhase } from '../../src/baseline/phase-result.js';
import { FaultCounters } from '../../src/metrics/counters.js';
import { NO_FAULTS } from './baseline-fixtures.js';

const context = {
  description: '',
  policies: [],
  faults: NO_FAULTS,
  rss: { startKb: 1, peakKb: 2, growthKb: 1 },
};

test('a report of 1..100 ms latencies and 25 errors: counts, rates and quantiles within 2.2%', () => {
  const latenciesMs = Array.from({ length: 100 }, (_, i) => i + 1);
  const r = summarizePhase(
    {
      type: 'report',
      name: 'loss',
      elapsedMs: 4000,
      latenciesMs,
      errors: { timeout: 20, ECONNRESET: 5 },
      bytes: 8000,
      byKind: { tcp: { ops: 125, errors: 25 } },
    },
    context,
  );
  assert.equal(r.ops, 125);
  assert.equal(r.errors, 25);
  assert.equal(r.errorRate, 0.2);
  assert.equal(r.opsPerSecond, 25, 'successful operations per second');
  assert.equal(r.bytesPerSecond, 2000);
  for (const [q, expected] of [
    [r.p50Ms, 50],
    [r.p95Ms, 95],
    [r.p99Ms, 99],
  ] as const) {
    assert.ok(Math.abs(q / expected - 1) <= 0.022, `${q} vs ${expected}`);
  }
  assert.equal(r.maxMs, 100);
});

test('an empty report: zero rates, no division by zero', () => {
  const r = summarizePhase(
    { type: 'report', name: 'x', elapsedMs: 0, latenciesMs: [], errors: {}, bytes: 0, byKind: {} },
    context,
  );
  assert.deepEqual([r.ops, r.errorRate, r.opsPerSecond, r.p50Ms, r.p99Ms], [0, 0, 0, 0, 0]);
});

test('fault activity is the difference of two snapshots, both directions summed', () => {
  const counters = new FaultCounters();
  const before = counters.snapshot();
  counters.uplink.packetsIn += 10;
  counters.downlink.packetsIn += 5;
  counters.uplink.drop('loss');
  counters.downlink.drop('burst');
  counters.downlink.drop('burst');
  counters.uplink.duplicated += 3;
  counters.dns.queries += 4;
  counters.dns.nxdomain += 2;
  const a = faultActivity(before, counters.snapshot());
  assert.deepEqual(a, {
    ...NO_FAULTS,
    packets: 15,
    lost: 1,
    burstLost: 2,
    duplicated: 3,
    dnsQueries: 4,
    dnsNxdomain: 2,
  });
  assert.equal(formatActivity(a), 'lost 1 burst-lost 2 duplicated 3 nxdomain 2');
  assert.equal(formatActivity(NO_FAULTS), '-');
});
