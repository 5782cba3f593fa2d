import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FaultEngine } from '../../src/faults/engine.js';
import { VirtualRun } from '../../src/faults/virtual-run.js';
import { FaultCounters } from '../../src/metrics/counters.js';
import { validatePolicies } from '../../src/policy/registry.js';
import { compileRuleSet } from '../../src/policy/resolve.js';

const FLOW = { protocol: 'udp', dstAddress: '10.0.0.1', dstPort: 9, hostnames: [] } as const;

describe('packet_duplicate', () => {
  it('duplicates 10% of 100k packets with 1..3 extra copies each (3 standard errors)', () => {
    const n = 100_000;
    const prob = 0.1;
    const r = new VirtualRun(
      compileRuleSet(validatePolicies({ p: { packet_duplicate: { prob, max_extra: 3 }, seed: 6 } })),
    );
    for (let i = 0; i < n; i++) r.send('uplink', i, 1, FLOW);
    const copies = new Uint8Array(n);
    for (const p of r.released) copies[p.id]!++;
    const histogram = [0, 0, 0, 0, 0];
    for (const c of copies) histogram[c]!++;
    assert.equal(histogram[0], 0);
    const events = n - histogram[1]!;
    const extra = r.counters.uplink.duplicated;
    assert.equal(extra, histogram[2]! + 2 * histogram[3]! + 3 * histogram[4]!);
    assert.equal(r.counters.uplink.packetsOut, n + extra);
    const eventTolerance = 3 * Math.sqrt((prob * (1 - prob)) / n);
    assert.ok(Math.abs(events / n - prob) <= eventTolerance, `events ${events / n}`);
    // Extra copies per event: uniform on {1, 2, 3}, mean 2, sd sqrt(2/3).
    const meanTolerance = 3 * Math.sqrt(2 / 3 / events);
    assert.ok(
      Math.abs(extra / events - 2) <= meanTolerance,
      `mean extra ${extra / events} ± ${meanTolerance}`,
    );
    for (const k of [2, 3, 4]) {
      const share = histogram[k]! / events;
      assert.ok(
        Math.abs(share - 1 / 3) <= 3 * Math.sqrt(2 / 9 / events),
        `share of ${k - 1} extra: ${share}`,
      );
    }
  });

  it('as netem, loss takes one copy of a duplicated packet: 50% dup and 50% loss deliver 0, 1 or 2 copies', () => {
    const n = 100_000;
    const r = new VirtualRun(
      compileRuleSet(validatePolicies({ p: { packet_duplicate: 0.5, packet_loss: 0.5, seed: 9 } })),
    );
    for (let i = 0; i < n; i++) r.send('uplink', i, 1, FLOW);
    const copies = new Uint8Array(n);
    for (const p of r.released) copies[p.id]!++;
    const histogram = [0, 0, 0];
    for (const c of copies) histogram[c]!++;
    // Duplicated and lost: one copy (p = 0.25); duplicated, not lost: two (0.25); not duplicated:
    // lost (0.25) or one copy (0.25). So 0: 0.25, 1: 0.5, 2: 0.25; 4 standard errors each.
    for (const [k, p] of [
      [0, 0.25],
      [1, 0.5],
      [2, 0.25],
    ] as const) {
      const tolerance = 4 * Math.sqrt((p * (1 - p)) / n);
      assert.ok(Math.abs(histogram[k]! / n - p) <= tolerance, `${k} copies: ${histogram[k]! / n}`);
    }
    const c = r.counters.uplink;
    assert.equal(c.packetsOut, n + c.duplicated - c.dropLoss);
  });

  it('hands every copy over with the same bytes; a held copy gets its own buffer', () => {
    const out: Uint8Array[] = [];
    const engine = new FaultEngine({
      counters: new FaultCounters(),
      // Released buffers are lent for the call only: keep copies.
      onRelease: (_d, data) => out.push(data.slice()),
    });
    engine.setRuleSet(
      compileRuleSet(validatePolicies({ p: { packet_duplicate: { prob: 1, max_extra: 1 } } })),
    );
    const data = Uint8Array.of(1, 2, 3, 4);
    engine.submit('downlink', data, 5, FLOW, 0);
    assert.equal(out.length, 2);
    assert.deepEqual([...out[0]!], [1, 2, 3, 4]);
    assert.deepEqual([...out[1]!], [1, 2, 3, 4]);
  });

  it('copies what it holds, so the submitter may reuse its buffer at once', () => {
    const out: number[][] = [];
    const engine = new FaultEngine({
      counters: new FaultCounters(),
      onRelease: (_d, data) => out.push([...data]),
    });
    engine.setRuleSet(compileRuleSet(validatePolicies({ p: { latency: '10ms', packet_duplicate: 1 } })));
    const slab = Uint8Array.of(1, 2, 3, 4);
    engine.submit('downlink', slab, 5, FLOW, 0);
    slab.fill(9);
    engine.poll(10);
    assert.deepEqual(out, [
      [1, 2, 3, 4],
      [1, 2, 3, 4],
    ]);
  });
});
