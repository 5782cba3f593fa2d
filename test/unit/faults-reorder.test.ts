import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Released, VirtualRun } from '../../src/faults/virtual-run.js';
import { validatePolicies } from '../../src/policy/registry.js';
import { compileRuleSet } from '../../src/policy/resolve.js';

const FLOW = { protocol: 'tcp', dstAddress: '10.0.0.1', dstPort: 80, hostnames: [] } as const;

function run(policy: Record<string, unknown>, n: number, spacingMs: number, flows = 1): VirtualRun {
  const r = new VirtualRun(compileRuleSet(validatePolicies({ p: policy })));
  for (let i = 0; i < n; i++) {
    r.advanceTo(i * spacingMs);
    r.send('uplink', i, i % flows, FLOW);
  }
  r.drain();
  return r;
}

/** For each packet (by id), how many packets sent after it left before it (a Fenwick tree over ids). */
function overtakenBy(released: readonly Released[], n: number): Int32Array {
  const tree = new Int32Array(n + 1);
  const result = new Int32Array(n);
  released.forEach((p, position) => {
    let lower = 0;
    for (let i = p.id; i > 0; i -= i & -i) lower += tree[i]!;
    result[p.id] = position - lower;
    for (let i = p.id + 1; i <= n; i += i & -i) tree[i]!++;
  });
  return result;
}

describe('packet_reorder', () => {
  it('holds 10% of 100k packets (3 standard errors), each overtaken by exactly `window` later packets', () => {
    const n = 100_000;
    const prob = 0.1;
    const r = run({ packet_reorder: { prob: '10%', window: 3, max_delay: '5ms' }, seed: 12 }, n, 0.1);
    const overtaken = overtakenBy(r.released, n);
    let displaced = 0;
    for (let id = 0; id < n - 10; id++) {
      const k = overtaken[id]!;
      assert.ok(k === 0 || k === 3, `packet ${id} overtaken by ${k}`);
      if (k === 3) displaced++;
    }
    const reordered = r.counters.uplink.reordered;
    assert.ok(reordered - displaced >= 0 && reordered - displaced <= 10);
    const tolerance = 3 * Math.sqrt((prob * (1 - prob)) / n);
    assert.ok(Math.abs(reordered / n - prob) <= tolerance, `reordered ${reordered / n} ± ${tolerance}`);
    assert.equal(r.released.length, n);
  });

  it('releases a held packet after max_delay when its flow goes quiet (hold bound exact on the virtual clock)', () => {
    const n = 10_000;
    // One packet every 10 ms, max_delay 4 ms: no later packet arrives in time, so each hold ends at 4 ms.
    const r = run({ packet_reorder: { prob: '30%', window: 2, max_delay: '4ms' }, seed: 2 }, n, 10);
    let held = 0;
    for (const p of r.released) {
      const wait = p.time - p.id * 10;
      assert.ok(wait === 0 || wait === 4, `waited ${wait}`);
      if (wait === 4) held++;
    }
    assert.equal(held, r.counters.uplink.reordered);
    const tolerance = 3 * Math.sqrt(0.3 * 0.7 * n);
    assert.ok(Math.abs(held - 0.3 * n) <= tolerance, `held ${held} of ${n}, want 30% ± ${tolerance}`);
  });

  it('bounds every hold by max_delay after its nominal time, whichever of window and deadline comes first', () => {
    const n = 20_000;
    // One packet a ms, window 3, max_delay 2.5 ms: the deadline comes before the window fills (at
    // most 2 later packets, fewer when they are held too); packets already in flight when one is
    // held do not count toward its window.
    const r = run(
      { latency: '7ms', packet_reorder: { prob: '20%', window: 3, max_delay: '2.5ms' }, seed: 9 },
      n,
      1,
    );
    const overtaken = overtakenBy(r.released, n);
    let overtakenTwice = 0;
    for (const p of r.released) {
      const wait = p.time - p.id - 7;
      assert.ok(wait === 0 || wait === 2.5, `waited ${wait}`);
      assert.ok(
        wait === 0 ? overtaken[p.id] === 0 : overtaken[p.id]! <= 2,
        `${p.id} overtaken by ${overtaken[p.id]}`,
      );
      if (overtaken[p.id] === 2) overtakenTwice++;
    }
    assert.ok(overtakenTwice > 0);
  });

  it('counts only packets of the same flow toward the window', () => {
    // Two interleaved flows; window 1: a held packet leaves right after its own flow's next packet.
    const r = run({ packet_reorder: { prob: '100%', window: 1, max_delay: '1s' }, seed: 1 }, 4, 1, 2);
    assert.deepEqual(
      r.released.map((p) => p.id),
      [0, 1, 2, 3],
    );
    assert.deepEqual(
      r.released.map((p) => p.time),
      [1000, 1001, 1002, 1003],
    );
  });
});
