import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatTable } from '../../src/baseline/table.js';
import { NO_FAULTS, phase } from './baseline-fixtures.js';

test('each row after the baseline shows its change: throughput %, error points, latency ms', () => {
  const table = formatTable([
    phase({}),
    phase({
      name: 'loss',
      opsPerSecond: 125,
      errors: 25,
      errorRate: 0.025,
      p50Ms: 2.5,
      p95Ms: 210,
      p99Ms: 1008,
      faults: { ...NO_FAULTS, lost: 31, burstLost: 4 },
    }),
  ]);
  const [header, base, loss] = table.split('\n');
  assert.deepEqual(header!.split(/\s{2,}/), [
    'phase',
    'ops',
    'ops/s',
    'errors',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'faults applied',
  ]);
  assert.deepEqual(base!.split(/\s{2,}/), ['baseline', '1000', '500.0', '0.0%', '2.0', '5.0', '8.0', '-']);
  assert.deepEqual(loss!.split(/\s{2,}/), [
    'loss',
    '1000',
    '125.0 (-75%)',
    '2.5% (+2.5)',
    '2.5 (+0.5)',
    '210.0 (+205.0)',
    '1008.0 (+1000.0)',
    'lost 31 burst-lost 4',
  ]);
});

test('columns line up: every row is as wide as the header up to the last column', () => {
  const table = formatTable([phase({}), phase({ name: 'latency-jitter', p50Ms: 101.25 })], { rss: true });
  const lines = table.split('\n');
  const start = lines[0]!.indexOf('faults applied');
  for (const line of lines) assert.equal(line.slice(0, start).length, start);
  assert.match(lines[1]!, /\+10000 KiB/);
});

test('a baseline without successful operations makes the throughput change n/a', () => {
  const table = formatTable([phase({ opsPerSecond: 0 }), phase({ name: 'rate', opsPerSecond: 3 })]);
  assert.match(table.split('\n')[2]!, /3\.0 \(n\/a\)/);
});
