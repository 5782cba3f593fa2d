import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VirtualRun } from '../../src/faults/virtual-run.js';
import { validatePolicies } from '../../src/policy/registry.js';
import { compileRuleSet } from '../../src/policy/resolve.js';

const FLOW = { protocol: 'udp', dstAddress: '10.0.0.1', dstPort: 9, hostnames: [] } as const;
const SIZE = 1250; // 10,000 bits: 1 ms at 10 Mbit/s

function offer(policy: Record<string, unknown>, n: number, spacingMs: number, flows = 1): VirtualRun {
  const r = new VirtualRun(compileRuleSet(validatePolicies({ p: policy })));
  for (let i = 0; i < n; i++) {
    r.advanceTo(i * spacingMs);
    r.send('downlink', i, i % flows, FLOW, SIZE);
  }
  r.drain();
  return r;
}

describe('rate', () => {
  it('serialises 100k packets offered at 12.5 Mbit/s to 10 Mbit/s ± 2%, tail-dropping and counting the excess', () => {
    const n = 100_000;
    const r = offer({ rate: { rate: '10mbps', limit: 100 } }, n, 0.8, 3);
    const out = r.released;
    const bps = ((out.length - 1) * SIZE * 8) / ((out[out.length - 1]!.time - out[0]!.time) / 1000);
    assert.ok(Math.abs(bps / 10e6 - 1) <= 0.02, `rate ${bps}`);
    const c = r.counters.downlink;
    assert.equal(c.dropQueueFull, n - out.length);
    assert.equal(c.packetsIn - c.packetsOut, c.dropQueueFull);
    // The link carries one packet a ms for the 80 s of the run plus the 100 queued: 80,100 ± 0.05%.
    assert.ok(Math.abs(out.length - 80_100) <= 40, `carried ${out.length}`);
  });

  it('delays each packet by its serialisation time when the link keeps up, and drops nothing', () => {
    const r = offer({ rate: '10mbps' }, 1000, 2);
    assert.equal(r.counters.downlink.dropQueueFull, 0);
    for (const p of r.released) assert.equal(p.time - p.id * 2, 1);
  });

  it('applies a byte limit: 12500b holds ten 1250-byte packets', () => {
    const burst = offer({ rate: { rate: '10mbps', limit: '12500b' } }, 30, 0);
    assert.equal(burst.released.length, 10);
    assert.equal(burst.counters.downlink.dropQueueFull, 20);
    const packets = offer({ rate: { rate: '10mbps', limit: 10 } }, 30, 0);
    assert.equal(packets.released.length, 10);
  });

  it('adds latency after serialisation', () => {
    const r = offer({ rate: '10mbps', latency: '20ms' }, 5, 0);
    assert.deepEqual(
      r.released.map((p) => p.time),
      [21, 22, 23, 24, 25],
    );
  });
});
