import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DirectionCounters, FaultCounters } from '../../src/metrics/counters.js';
import { DISCARD_CAUSES, totalDiscards } from '../../src/metrics/discards.js';
import { validatePolicies } from '../../src/policy/registry.js';
import { compileRuleSet } from '../../src/policy/resolve.js';

describe('DirectionCounters', () => {
  it('counts drops by cause', () => {
    const c = new DirectionCounters();
    for (const cause of ['loss', 'loss', 'burst', 'gilbert', 'queue_full'] as const) c.drop(cause);
    assert.deepEqual(c.snapshot().drops, { loss: 2, burst: 1, gilbert: 1, queueFull: 1 });
    assert.equal(c.drops, 5);
  });
});

describe('FaultCounters.snapshot', () => {
  it('is plain JSON with the router fields defaulted or filled', () => {
    const counters = new FaultCounters();
    const empty = counters.snapshot();
    assert.deepEqual(JSON.parse(JSON.stringify(empty)), empty);
    assert.equal(empty.version, 1);
    assert.deepEqual(empty.flows, { tcp: 0, udp: 0 });
    assert.deepEqual(empty.rules, []);
    assert.equal(empty.uplink.addedDelay.p99Ms, 0);
    const filled = counters.snapshot({
      uptimeMs: 1234,
      paused: true,
      policies: ['slow'],
      seed: 7,
      flows: { tcp: 2, udp: 1 },
      topFlows: [
        {
          proto: 'tcp',
          src: '10.0.2.100',
          dst: '1.1.1.1',
          srcPort: 40000,
          dstPort: 443,
          bytesUp: 10,
          bytesDown: 20,
        },
      ],
    });
    assert.equal(filled.uptimeMs, 1234);
    assert.equal(filled.paused, true);
    assert.deepEqual(filled.policies, ['slow']);
    assert.equal(filled.topFlows[0]?.dstPort, 443);
    assert.notEqual(counters.snapshot().flows, counters.snapshot().flows);
  });

  it('keeps rule counters by key across rule sets and marks the inactive ones', () => {
    const counters = new FaultCounters();
    const one = compileRuleSet(
      validatePolicies({ a: { latency: '5ms', jitter: '1ms' }, b: { targets: ['tcp://*:80'] } }),
    );
    counters.forRule(one.rules[0]!).uplink.packetsIn += 3;
    counters.forRule(one.rules[1]!).downlink.packetsIn += 1;
    counters.setActiveRules(one.rules);
    const two = compileRuleSet(validatePolicies({ a: { latency: '9ms' } }));
    counters.forRule(two.rules[0]!).uplink.packetsIn += 2;
    counters.setActiveRules(two.rules);
    const rules = counters.snapshot().rules;
    assert.deepEqual(
      rules.map((r) => [r.key, r.active, r.uplink.packetsIn + r.downlink.packetsIn]),
      [
        ['a', true, 5],
        ['b#0', false, 1],
      ],
    );
    assert.deepEqual(rules[0]?.uplink.configured, { latencyMs: 9, jitterMs: 0, distribution: 'uniform' });
    assert.equal(rules[1]?.target, 'tcp://*:80');
    assert.equal(rules[0]?.target, null);
  });
});

describe('FaultCounters.reset', () => {
  it('zeroes every counter and keeps the rules known', () => {
    const counters = new FaultCounters();
    const rule = compileRuleSet(validatePolicies({ a: {} })).rules[0]!;
    counters.uplink.packetsIn = 5;
    counters.uplink.addedDelay.record(3);
    counters.dns.nxdomain = 2;
    counters.forRule(rule).downlink.drop('burst');
    for (const cause of DISCARD_CAUSES) counters.discards.add(cause, 3);
    counters.reset();
    const s = counters.snapshot();
    assert.equal(totalDiscards(s.discards), 0, 'every discard cause, not only malformed');
    assert.equal(s.uplink.packetsIn, 0);
    assert.equal(s.uplink.addedDelay.count, 0);
    assert.equal(s.dns.nxdomain, 0);
    assert.equal(s.rules.length, 1);
    assert.equal(s.rules[0]?.downlink.drops.burst, 0);
  });
});
