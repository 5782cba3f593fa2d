import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VirtualRun } from '../../src/faults/virtual-run.js';
import { validatePolicies } from '../../src/policy/registry.js';
import { compileRuleSet } from '../../src/policy/resolve.js';

const N = 100_000;
const FLOW = { protocol: 'udp', dstAddress: '10.0.0.1', dstPort: 9, hostnames: [] } as const;

/** Sends N packets, alternating over `flows` flows, one every 0.01 ms; returns the run. */
function run(policy: Record<string, unknown>, flows = 1): VirtualRun {
  const r = new VirtualRun(compileRuleSet(validatePolicies({ p: policy })));
  for (let i = 0; i < N; i++) {
    r.send('uplink', i, i % flows, FLOW);
    r.advanceTo((i + 1) * 0.01);
  }
  r.drain();
  return r;
}

/** Lengths of the runs of consecutive lost packets, per flow, given the ids that arrived. */
function lossRuns(r: VirtualRun, flows: number): number[][] {
  const arrived = new Uint8Array(N);
  for (const p of r.released) arrived[p.id] = 1;
  return Array.from({ length: flows }, (_, f) => {
    const runs: number[] = [];
    let current = 0;
    for (let i = f; i < N; i += flows) {
      if (arrived[i] === 0) current++;
      else if (current > 0) {
        runs.push(current);
        current = 0;
      }
    }
    return runs;
  });
}

describe('Bernoulli loss', () => {
  it('loses 5% of 100k packets within 3 standard errors (seed 7)', () => {
    const p = 0.05;
    const r = run({ packet_loss: '5%', seed: 7 });
    const lost = r.counters.uplink.dropLoss;
    const tolerance = 3 * Math.sqrt((p * (1 - p)) / N);
    assert.ok(Math.abs(lost / N - p) <= tolerance, `loss ${lost / N} vs ${p} ± ${tolerance}`);
    assert.equal(r.released.length, N - lost);
    assert.equal(r.counters.uplink.packetsOut, N - lost);
  });
});

describe('burst loss', () => {
  it('drops the next N-1 packets of the same flow after a loss, and the loss rate matches Np/(Np+1-p)', () => {
    const p = 0.02;
    const burst = 4;
    const r = run({ packet_loss: '2%', burst_loss: burst, seed: 11 }, 2);
    const c = r.counters.uplink;
    // Every burst is exactly `burst` packets of one flow (two back-to-back bursts make a multiple);
    // the last burst of a flow may be cut short by the end of the run.
    for (const runs of lossRuns(r, 2))
      for (const length of runs) assert.equal(length % burst, 0, `run of ${length}`);
    assert.ok(c.dropBurst <= (burst - 1) * c.dropLoss && c.dropBurst >= (burst - 1) * (c.dropLoss - 2));
    // Renewal model: a cycle is G ~ Geometric(p) kept packets then `burst` lost ones.
    const meanCycle = (1 - p) / p + burst;
    const varCycle = (1 - p) / p ** 2;
    const expected = burst / meanCycle;
    const cycles = N / meanCycle;
    const se = (burst * Math.sqrt((cycles * varCycle) / meanCycle ** 2)) / N;
    const rate = (c.dropLoss + c.dropBurst) / N;
    assert.ok(Math.abs(rate - expected) <= 3 * se, `loss ${rate} vs ${expected} ± ${3 * se}`);
  });
});

describe('Gilbert-Elliott loss', () => {
  it('matches the model loss rate p/(p+r) and mean burst 1/r (3 standard errors, renewal model)', () => {
    const p = 0.01;
    const r = 0.25;
    const result = run({ correlated_loss: { p_good_to_bad: p, p_bad_to_good: r }, seed: 3 });
    const runs = lossRuns(result, 1)[0]!;
    const lossRate = result.counters.uplink.dropGilbert / N;
    const meanBurst = runs.reduce((a, b) => a + b, 0) / runs.length;
    const pi = p / (p + r);
    // A cycle is a good sojourn G (mean 1/p, variance (1-p)/p²) then a bad one B (mean 1/r, variance (1-r)/r²).
    const meanCycle = 1 / p + 1 / r;
    const cycles = N / meanCycle;
    const varB = (1 - r) / r ** 2;
    const varG = (1 - p) / p ** 2;
    const seRate = Math.sqrt(((1 - pi) ** 2 * varB + pi ** 2 * varG) / (cycles * meanCycle ** 2));
    const seBurst = Math.sqrt(varB / cycles);
    assert.ok(Math.abs(lossRate - pi) <= 3 * seRate, `loss ${lossRate} vs ${pi} ± ${3 * seRate}`);
    assert.ok(Math.abs(meanBurst - 1 / r) <= 3 * seBurst, `burst ${meanBurst} vs ${1 / r} ± ${3 * seBurst}`);
  });

  it('loses with loss_good in the good state and loss_bad in the bad one (3 standard errors by batch means)', () => {
    const m = { p: 0.05, r: 0.3, k: 0.01, h: 0.6 };
    const result = run({
      correlated_loss: { p_good_to_bad: m.p, p_bad_to_good: m.r, loss_good: m.k, loss_bad: m.h },
      seed: 5,
    });
    const piBad = m.p / (m.p + m.r);
    const expected = (1 - piBad) * m.k + piBad * m.h;
    const arrived = new Uint8Array(N);
    for (const pkt of result.released) arrived[pkt.id] = 1;
    // 100 batches of 1000 packets: far longer than the chain's memory (about 1/(p+r) = 3 packets).
    const batches = Array.from({ length: 100 }, (_, b) => {
      let lost = 0;
      for (let i = b * 1000; i < (b + 1) * 1000; i++) lost += 1 - arrived[i]!;
      return lost / 1000;
    });
    const mean = batches.reduce((a, b) => a + b, 0) / batches.length;
    const sd = Math.sqrt(batches.reduce((a, b) => a + (b - mean) ** 2, 0) / (batches.length - 1));
    const se = sd / Math.sqrt(batches.length);
    assert.ok(Math.abs(mean - result.counters.uplink.dropGilbert / N) < 1e-12);
    assert.ok(Math.abs(mean - expected) <= 3 * se, `loss ${mean} vs ${expected} ± ${3 * se}`);
  });
});
