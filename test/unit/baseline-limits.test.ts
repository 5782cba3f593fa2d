import assert from 'node:assert/strict';
import { test } from 'node:test';
import { limitViolations } from '../../src/baseline/limits.js';
import { phase } from './baseline-fixtures.js';

const LIMITS = { maxErrorRate: 0.02, maxRssDeltaKb: 131072 };

test('a run within its limits has no violations', () => {
  assert.deepEqual(
    limitViolations([phase({}), phase({ name: 'loss', errors: 20, errorRate: 0.02 })], LIMITS),
    [],
  );
});

test('an error rate over the limit names the phase, the rate, the count and the top reasons', () => {
  const loss = phase({
    name: 'loss',
    errors: 30,
    errorRate: 0.03,
    errorReasons: { timeout: 20, ECONNRESET: 7, ENOTFOUND: 2, other: 1 },
  });
  assert.deepEqual(limitViolations([phase({}), loss], LIMITS), [
    'phase loss: error rate 3.00% (30 of 1000: timeout 20, ECONNRESET 7, ENOTFOUND 2) exceeds the limit 2.00%',
  ]);
});

test('RSS growth over the limit names the phase and the numbers', () => {
  const grown = phase({ name: 'rate', rss: { startKb: 50_000, peakKb: 190_000, growthKb: 140_000 } });
  assert.deepEqual(limitViolations([grown], LIMITS), [
    "phase rate: faultnet's RSS grew by 140000 KiB (50000 -> 190000 KiB), over the limit 131072 KiB",
  ]);
});

test('no operation is a failure of its own, as is a run without phases', () => {
  assert.deepEqual(limitViolations([phase({ ops: 0, errorRate: 0 })], LIMITS), [
    'phase baseline: no operation ran',
  ]);
  assert.deepEqual(limitViolations([], LIMITS), ['no phase ran']);
});
