import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DelayHistogram } from '../../src/metrics/histogram.js';

describe('DelayHistogram', () => {
  it('estimates quantiles within ±2.2% (one bucket is 2^(1/16) wide)', () => {
    const h = new DelayHistogram();
    for (let i = 1; i <= 10_000; i++) h.record(i / 100);
    for (const [q, exact] of [
      [0.5, 50],
      [0.95, 95],
      [0.99, 99],
    ] as const) {
      const v = h.quantile(q);
      assert.ok(Math.abs(v / exact - 1) <= 0.022, `p${q * 100} = ${v}`);
    }
    assert.equal(h.count, 10_000);
    assert.equal(h.maxMs, 100);
    assert.ok(Math.abs(h.sumMs / h.count - 50.005) < 1e-9);
  });

  it('keeps sub-microsecond delays at zero and huge ones in the last bucket', () => {
    const h = new DelayHistogram();
    h.record(0);
    h.record(0.0005);
    assert.equal(h.quantile(1), 0);
    h.record(1e9);
    assert.equal(h.quantile(1), 2 ** ((28 * 16 - 0.5) / 16) / 1000);
    assert.equal(h.maxMs, 1e9);
  });

  it('is empty after reset', () => {
    const h = new DelayHistogram();
    h.record(5);
    h.reset();
    assert.equal(h.count, 0);
    assert.equal(h.quantile(0.5), 0);
    assert.equal(h.maxMs, 0);
  });
});
