import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalQuantile, paretoQuantile, TABLE_SIZE } from '../../src/faults/distributions.js';
import { VirtualRun } from '../../src/faults/virtual-run.js';
import { validatePolicies } from '../../src/policy/registry.js';
import { compileRuleSet } from '../../src/policy/resolve.js';
import type { Distribution } from '../../src/policy/types.js';

const N = 100_000;
const FLOW = { protocol: 'udp', dstAddress: '10.0.0.1', dstPort: 9, hostnames: [] } as const;
const SPACING_MS = 0.01;

/** Added delay of each of N packets (index = id), sent one every 0.01 ms on `flowOf(i)`. */
function delays(
  policy: Record<string, unknown>,
  flowOf: (i: number) => number,
): { delay: Float64Array; run: VirtualRun } {
  const run = new VirtualRun(compileRuleSet(validatePolicies({ p: policy })));
  for (let i = 0; i < N; i++) {
    run.advanceTo(i * SPACING_MS);
    run.send('uplink', i, flowOf(i), FLOW);
  }
  run.drain();
  const delay = new Float64Array(N);
  for (const p of run.released) delay[p.id] = p.time - p.id * SPACING_MS;
  return { delay, run };
}

// Standard normal quantiles at 5%, 50%, 95% (from tables, independent of the code under test).
const Z: Readonly<Record<number, number>> = { 0.05: -1.6448536, 0.5: 0, 0.95: 1.6448536 };
const EXPECTED: Readonly<Record<Distribution, (q: number) => number>> = {
  uniform: (q) => 2 * q - 1,
  normal: (q) => Z[q]!,
  pareto: (q) => ((1 - q) ** (-1 / 3) - 1.5) * (4 / 3),
  paretonormal: (q) => (Z[q]! + 3 * ((1 - q) ** (-1 / 3) - 1.5) * (4 / 3)) / 4,
};

describe('distribution tables', () => {
  it('hold the normal and Pareto quantiles', () => {
    assert.ok(Math.abs(normalQuantile(0.975) - 1.959964) < 1e-6);
    assert.ok(Math.abs(normalQuantile(0.01) + 2.326348) < 1e-6);
    assert.ok(Math.abs(normalQuantile(0.5)) < 1e-12);
    assert.ok(Math.abs(paretoQuantile(0.5) - (2 ** (1 / 3) - 1.5) * (4 / 3)) < 1e-12);
  });
});

describe('latency ± jitter', () => {
  for (const distribution of ['uniform', 'normal', 'pareto', 'paretonormal'] as const) {
    it(`${distribution}: 50ms ± 10ms puts p5/p50/p95 where the distribution says (3 standard errors + table step)`, () => {
      // Each packet on its own flow, so the no-reorder rule never bends a delay.
      const { delay } = delays({ latency: '50ms', jitter: '10ms', distribution, seed: 21 }, (i) => i);
      for (const q of [0.05, 0.5, 0.95]) {
        const x = 50 + 10 * EXPECTED[distribution](q);
        let below = 0;
        for (const d of delay) if (d <= x) below++;
        const tolerance = 3 * Math.sqrt((q * (1 - q)) / N) + 1 / TABLE_SIZE;
        assert.ok(
          Math.abs(below / N - q) <= tolerance,
          `${distribution} F(${x}) = ${below / N}, want ${q} ± ${tolerance}`,
        );
      }
    });
  }

  it('with correlation 50%, successive delays have lag-1 autocorrelation 0.5 ± 0.01 (3 standard errors)', () => {
    const { delay } = delays({ latency: '50ms', jitter: '10ms', correlation: '50%', seed: 4 }, (i) => i);
    let mean = 0;
    for (const d of delay) mean += d / N;
    let num = 0;
    let den = 0;
    for (let i = 0; i < N; i++) {
      den += (delay[i]! - mean) ** 2;
      if (i > 0) num += (delay[i]! - mean) * (delay[i - 1]! - mean);
    }
    assert.ok(Math.abs(num / den - 0.5) <= 0.01, `autocorrelation ${num / den}`);
    // netem's correlation keeps the mean: delay sd is 20/6 ms, the AR(1) standard error of the mean
    // 20/6 * sqrt(3 / N) = 0.018 ms; 3 standard errors: 0.055 ms.
    assert.ok(Math.abs(mean - 50) <= 0.055, `mean ${mean}`);
  });

  it('never reorders packets of one flow, though it reorders packets of different flows', () => {
    const { run } = delays({ latency: '50ms', jitter: '20ms', seed: 8 }, () => 1);
    let ordered = true;
    for (let i = 1; i < run.released.length; i++)
      if (run.released[i]!.id < run.released[i - 1]!.id) ordered = false;
    assert.equal(run.released.length, N);
    assert.ok(ordered);
    const spread = delays({ latency: '50ms', jitter: '20ms', seed: 8 }, (i) => i);
    let inversions = 0;
    for (let i = 1; i < N; i++) if (spread.run.released[i]!.id < spread.run.released[i - 1]!.id) inversions++;
    assert.ok(inversions > 1000, `inversions ${inversions}`);
  });

  it('counts delayed packets and measures the added delay beside the configured one', () => {
    const { run } = delays({ latency: '50ms', seed: 1 }, (i) => i % 10);
    const c = run.counters.snapshot();
    assert.equal(c.uplink.delayed, N);
    const measured = c.rules[0]!.uplink;
    assert.equal(measured.configured.latencyMs, 50);
    // Histogram buckets are 2^(1/16) wide: quantiles within ±2.2%.
    for (const v of [measured.addedDelay.p50Ms, measured.addedDelay.p95Ms, measured.addedDelay.p99Ms]) {
      assert.ok(Math.abs(v - 50) <= 50 * 0.022, `quantile ${v}`);
    }
    assert.ok(Math.abs(measured.addedDelay.meanMs - 50) < 1e-9);
  });
});

describe('jitter on one busy flow', () => {
  const mean = (a: Float64Array) => a.reduce((s, x) => s + x, 0) / a.length;
  it('never reorders by default, so back-to-back packets drift toward the top of the range', () => {
    const { delay, run } = delays({ latency: '30ms', jitter: '5ms', seed: 3 }, () => 1);
    const ids = run.released.map((p) => p.id);
    assert.ok(
      ids.every((id, i) => i === 0 || id > ids[i - 1]!),
      'released in order',
    );
    // Each packet waits for the latest of its predecessors: the mean sits near latency + jitter.
    assert.ok(mean(delay) > 34.5, `mean ${mean(delay)}`);
  });

  it('with jitter_reorder, as netem: the mean stays at the latency and packets pass each other', () => {
    const { delay, run } = delays({ latency: '30ms', jitter: '5ms', jitter_reorder: true, seed: 3 }, () => 1);
    // Uniform on [25, 35]: mean 30, sd 2.89; 4 standard errors of N draws.
    assert.ok(Math.abs(mean(delay) - 30) < (4 * 2.89) / Math.sqrt(N), `mean ${mean(delay)}`);
    const ids = run.released.map((p) => p.id);
    const passed = ids.filter((id, i) => i > 0 && id < ids[i - 1]!).length;
    assert.ok(passed > N / 4, `${passed} of ${N} left before a predecessor`);
  });
});
