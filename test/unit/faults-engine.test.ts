import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FaultEngine } from '../../src/faults/engine.js';
import { VirtualRun } from '../../src/faults/virtual-run.js';
import { FaultCounters } from '../../src/metrics/counters.js';
import { validatePolicies } from '../../src/policy/registry.js';
import { compileRuleSet } from '../../src/policy/resolve.js';

const UDP = { protocol: 'udp', dstAddress: '10.0.0.1', dstPort: 9, hostnames: [] } as const;
const OTHER = { protocol: 'udp', dstAddress: '192.0.2.1', dstPort: 9, hostnames: [] } as const;

function ruleSet(root: Record<string, unknown>, fallbackSeed = 1) {
  return compileRuleSet(validatePolicies(root), { fallbackSeed });
}

const EVERYTHING = {
  latency: '20ms',
  jitter: '10ms',
  distribution: 'paretonormal',
  correlation: '20%',
  packet_loss: '3%',
  burst_loss: 2,
  correlated_loss: { p_good_to_bad: '1%', p_bad_to_good: '40%' },
  packet_reorder: { prob: '5%', window: 2, max_delay: '3ms' },
  packet_duplicate: { prob: '4%', max_extra: 2 },
  rate: { rate: '50mbps', limit: 64 },
};

/** The release sequence (id, flow, time) of 20k packets over 8 flows, both directions. */
function trace(root: Record<string, unknown>, fallbackSeed = 1): string[] {
  const r = new VirtualRun(ruleSet(root, fallbackSeed));
  for (let i = 0; i < 20_000; i++) {
    r.advanceTo(i * 0.05);
    r.send(i % 3 === 0 ? 'downlink' : 'uplink', i, i % 8, UDP, 200 + (i % 1000));
  }
  r.drain();
  return r.released.map((p) => `${p.direction[0]}${p.id}/${p.flowId}@${p.time}`);
}

describe('FaultEngine', () => {
  it('passes packets through synchronously without a rule set, without a matching rule, and when paused', () => {
    const out: number[] = [];
    const counters = new FaultCounters();
    const engine = new FaultEngine({ counters, onRelease: (_d, data) => out.push(data[0]!) });
    engine.submit('uplink', Uint8Array.of(1), 1, UDP, 0);
    assert.deepEqual(out, [1]);
    engine.setRuleSet(ruleSet({ p: { latency: '10ms', targets: ['udp://10.0.0.1'] } }));
    engine.submit('uplink', Uint8Array.of(2), 2, OTHER, 0);
    assert.deepEqual(out, [1, 2]);
    engine.setPaused(true);
    engine.submit('uplink', Uint8Array.of(3), 3, UDP, 0);
    assert.deepEqual(out, [1, 2, 3]);
    assert.equal(engine.nextDeadline(), Number.POSITIVE_INFINITY);
    engine.setPaused(false);
    engine.submit('uplink', Uint8Array.of(4), 3, UDP, 0);
    assert.deepEqual(out, [1, 2, 3]);
    assert.equal(engine.nextDeadline(), 10);
    engine.poll(9.99);
    assert.deepEqual(out, [1, 2, 3]);
    engine.poll(10);
    assert.deepEqual(out, [1, 2, 3, 4]);
    assert.equal(counters.uplink.packetsIn, 4);
    assert.equal(counters.uplink.packetsOut, 4);
    assert.equal(counters.uplink.bytesOut, 4);
  });

  it('keeps a flow in order across a pause: paused packets wait behind held ones', () => {
    const r = new VirtualRun(ruleSet({ p: { latency: '10ms' } }));
    r.send('uplink', 1, 7, UDP);
    r.engine.setPaused(true);
    r.send('uplink', 2, 7, UDP);
    r.send('uplink', 3, 8, UDP);
    assert.deepEqual(
      r.released.map((p) => p.id),
      [3],
    );
    r.drain();
    assert.deepEqual(
      r.released.map((p) => [p.id, p.time]),
      [
        [3, 0],
        [1, 10],
        [2, 10],
      ],
    );
  });

  it('gives the same decisions for the same seed and different ones for another seed', () => {
    const a = trace({ p: { ...EVERYTHING, seed: 77 } });
    const b = trace({ p: { ...EVERYTHING, seed: 77 } });
    const c = trace({ p: { ...EVERYTHING, seed: 78 } });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    // Without a policy seed, the rule set's fallback seed decides, just as repeatably.
    assert.deepEqual(trace({ p: EVERYTHING }, 5), trace({ p: EVERYTHING }, 5));
    assert.deepEqual(trace({ p: EVERYTHING }, 77), trace({ p: { ...EVERYTHING, seed: 77 } }));
  });

  it('draws uplink and downlink from different streams', () => {
    const r = new VirtualRun(ruleSet({ p: { packet_loss: '50%', seed: 1 } }));
    for (let i = 0; i < 64; i++) {
      r.send('uplink', i, 1, UDP);
      r.send('downlink', i, 1, UDP);
    }
    const up = r.released.filter((p) => p.direction === 'uplink').map((p) => p.id);
    const down = r.released.filter((p) => p.direction === 'downlink').map((p) => p.id);
    assert.notDeepEqual(up, down);
  });

  it('applies a switched rule set to new packets only; held packets keep their release times', () => {
    const r = new VirtualRun(ruleSet({ slow: { latency: '100ms' } }));
    r.send('uplink', 1, 1, UDP);
    r.send('uplink', 2, 2, UDP);
    r.advanceTo(10);
    r.engine.setRuleSet(ruleSet({ fast: { latency: '5ms' } }));
    r.send('uplink', 3, 2, UDP);
    r.send('uplink', 4, 3, UDP);
    r.drain();
    assert.deepEqual(
      r.released.map((p) => [p.id, p.time]),
      [
        [4, 15],
        [1, 100],
        [2, 100],
        [3, 100],
      ],
    );
    assert.equal(r.engine.flowRule(3)?.policy.name, 'fast');
    const rules = r.counters.snapshot().rules;
    assert.deepEqual(
      rules.map((x) => [x.key, x.active, x.uplink.packetsIn]),
      [
        ['slow', false, 2],
        ['fast', true, 2],
      ],
    );
  });

  it('applies each direction its own faults', () => {
    const r = new VirtualRun(ruleSet({ p: { uplink: { latency: '40ms' } } }));
    r.send('uplink', 1, 1, UDP);
    r.send('downlink', 2, 1, UDP);
    r.drain();
    assert.deepEqual(
      r.released.map((p) => [p.direction, p.id, p.time]),
      [
        ['downlink', 2, 0],
        ['uplink', 1, 40],
      ],
    );
  });

  it('still releases the held packets of a forgotten flow, and resolves the flow afresh', () => {
    const r = new VirtualRun(ruleSet({ p: { latency: '10ms', targets: ['udp://10.0.0.1'] } }));
    r.send('uplink', 1, 1, UDP);
    r.engine.forgetFlow(1);
    assert.equal(r.engine.flowRule(1), null);
    r.send('uplink', 2, 1, OTHER);
    r.drain();
    assert.deepEqual(
      r.released.map((p) => [p.id, p.time]),
      [
        [2, 0],
        [1, 10],
      ],
    );
  });

  it('counts per rule and per direction, drops by cause included', () => {
    const r = new VirtualRun(
      ruleSet({
        lossy: { packet_loss: '100%', targets: ['udp://10.0.0.1'] },
        slow: { latency: '1ms', targets: ['udp://192.0.2.1'] },
      }),
    );
    for (let i = 0; i < 10; i++) {
      r.send('uplink', i, 1, UDP, 50);
      r.send('downlink', i, 2, OTHER, 60);
    }
    r.drain();
    const s = r.counters.snapshot();
    assert.deepEqual(s.uplink.drops, { loss: 10, burst: 0, gilbert: 0, queueFull: 0 });
    assert.equal(s.uplink.packetsOut, 0);
    assert.equal(s.downlink.bytesIn, 600);
    assert.equal(s.downlink.bytesOut, 600);
    assert.equal(s.downlink.delayed, 10);
    const byKey = Object.fromEntries(s.rules.map((x) => [x.key, x]));
    assert.equal(byKey['lossy#0']?.uplink.drops.loss, 10);
    assert.equal(byKey['slow#0']?.downlink.packetsOut, 10);
    assert.equal(byKey['slow#0']?.downlink.addedDelay.count, 10);
    assert.equal(byKey['slow#0']?.target, 'udp://192.0.2.1');
  });

  it('reports the next deadline and the number of held packets', () => {
    const r = new VirtualRun(ruleSet({ p: { latency: '10ms' } }));
    r.advanceTo(5);
    r.send('uplink', 1, 1, UDP);
    r.advanceTo(6);
    r.send('uplink', 2, 2, UDP);
    assert.equal(r.engine.nextDeadline(), 15);
    assert.equal(r.engine.heldCount, 2);
    r.advanceTo(15);
    assert.equal(r.engine.nextDeadline(), 16);
    r.drain();
    assert.equal(r.engine.heldCount, 0);
    assert.equal(r.engine.nextDeadline(), Number.POSITIVE_INFINITY);
  });
});
