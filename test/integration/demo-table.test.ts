import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ComparisonRecord } from '../../src/baseline/record.js';
import { faultnet } from './harness.js';

const POLICIES = [
  'latency-jitter',
  'loss',
  'burst-loss',
  'reorder',
  'duplicate',
  'rate',
  'dns-delay',
  'dns-nxdomain',
];

test('faultnet demo: one row per sample policy, each fault applied and visible in the numbers', async (t) => {
  const json = join(tmpdir(), `faultnet-demo-${process.pid}.json`);
  t.after(() => rmSync(json, { force: true }));
  const r = await faultnet(['demo', '--json', json]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  for (const name of ['baseline', ...POLICIES]) {
    assert.ok(
      lines.some((l) => l.startsWith(`${name} `)),
      `a table row for ${name}:\n${r.stdout}`,
    );
  }
  const record = JSON.parse(readFileSync(json, 'utf8')) as ComparisonRecord;
  const phase = new Map(record.phases.map((p) => [p.name, p]));
  assert.deepEqual([...phase.keys()], ['baseline', ...POLICIES]);
  const base = phase.get('baseline')!;
  const at = (name: string) => phase.get(name)!;
  assert.ok(base.ops > 100 && base.errors === 0, `baseline: ${base.ops} ops, ${base.errors} errors`);
  assert.equal(base.faults.packets > 0, true);
  for (const key of ['delayed', 'lost', 'burstLost', 'reordered', 'duplicated', 'dnsDelayed'] as const) {
    assert.equal(base.faults[key], 0, `no ${key} without a policy`);
  }

  // 40ms ± 10ms each way adds at least 60 ms to every round trip, and each operation has one or more.
  const slow = at('latency-jitter');
  assert.ok(slow.p50Ms >= base.p50Ms + 60, `latency p50 ${slow.p50Ms} vs ${base.p50Ms}`);
  assert.ok(slow.faults.delayed > 0);

  for (const name of ['loss', 'burst-loss']) {
    const lossy = at(name);
    assert.ok(
      lossy.p99Ms > base.p99Ms + 100 || lossy.errorRate > base.errorRate,
      `${name}: p99 ${lossy.p99Ms} vs ${base.p99Ms}, errors ${lossy.errorRate}`,
    );
  }
  assert.ok(at('loss').faults.lost > 0);
  assert.ok(at('burst-loss').faults.burstLost > 0);
  assert.ok(at('reorder').faults.reordered > 0);
  assert.ok(at('duplicate').faults.duplicated > 0);

  // 4 Mbit/s carries a few dozen 16 KiB responses a second; the baseline does hundreds of operations.
  const rate = at('rate');
  assert.ok(
    rate.opsPerSecond < base.opsPerSecond / 2,
    `rate ${rate.opsPerSecond} vs ${base.opsPerSecond} ops/s`,
  );

  // A quarter of the operations are lookups, each answered 200 ms late.
  const dnsDelay = at('dns-delay');
  assert.ok(dnsDelay.p95Ms >= base.p95Ms + 150, `dns-delay p95 ${dnsDelay.p95Ms} vs ${base.p95Ms}`);
  assert.ok(dnsDelay.faults.dnsDelayed > 0);

  // Half of the lookups (a quarter of the operations) fail: 12.5%; the tolerance is over 5 standard
  // errors of thousands of lookups.
  const nx = at('dns-nxdomain');
  assert.ok(nx.errorRate > 0.09 && nx.errorRate < 0.16, `nxdomain error rate ${nx.errorRate}`);
  assert.ok((nx.errorReasons.ENOTFOUND ?? 0) > 0, JSON.stringify(nx.errorReasons));
});

test('faultnet demo: bad flags exit 2 with one line', async () => {
  for (const [args, flag] of [
    [['--duration', 'soon'], '--duration'],
    [['--workers', '0'], '--workers'],
  ] as const) {
    const r = await faultnet(['demo', ...args]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(flag));
    assert.equal(r.stderr.trim().split('\n').length, 1);
  }
});
