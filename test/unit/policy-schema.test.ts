import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PolicyError } from '../../src/policy/errors.js';
import { policyFromFlags } from '../../src/policy/flags.js';
import { NO_FAULTS, validatePolicy } from '../../src/policy/schema.js';

/** Asserts `fn` throws a PolicyError whose message starts with `prefix`. */
function rejects(fn: () => unknown, prefix: string): void {
  assert.throws(fn, (err: unknown) => err instanceof PolicyError && err.message.startsWith(prefix));
}

describe('validatePolicy', () => {
  it('normalises every field to canonical units and fills both directions', () => {
    const p = validatePolicy(
      {
        description: 'a bad day',
        latency: '50ms',
        jitter: '10ms',
        distribution: 'Normal',
        correlation: '25%',
        packet_loss: '1%',
        burst_loss: 3,
        correlated_loss: { p_good_to_bad: '1%', p_bad_to_good: '30%', loss_good: 0, loss_bad: '90%' },
        packet_reorder: { prob: '5%', window: 3, max_delay: '20ms' },
        packet_duplicate: { prob: '2%', max_extra: 2 },
        rate: { rate: '10mbps', limit: '64kb' },
        uplink: { latency: '80ms', rate: '1mbit' },
        downlink: { packet_duplicate: '1%', packet_reorder: '10%' },
        dns: { delay: '200ms', timeout: '5%', nxdomain: '1%', servfail: '500ppm' },
        targets: ['tcp://10.0.0.0/8:9000'],
        seed: 42,
      },
      'slow',
    );
    assert.equal(p.name, 'slow');
    assert.equal(p.description, 'a bad day');
    assert.equal(p.seed, 42);
    assert.deepEqual(p.uplink, {
      latencyMs: 80,
      jitterMs: 10,
      distribution: 'normal',
      jitterReorders: false,
      correlation: 0.25,
      packetLoss: 0.01,
      burstLoss: 3,
      correlatedLoss: { pGoodToBad: 0.01, pBadToGood: 0.3, lossGood: 0, lossBad: 0.9 },
      reorder: { prob: 0.05, window: 3, maxDelayMs: 20 },
      duplicate: { prob: 0.02, maxExtra: 2 },
      rate: { bitsPerSecond: 1e6, limit: 1000, limitUnit: 'packets' },
    });
    assert.equal(p.downlink.latencyMs, 50);
    assert.deepEqual(p.downlink.rate, { bitsPerSecond: 1e7, limit: 64_000, limitUnit: 'bytes' });
    assert.deepEqual(p.downlink.duplicate, { prob: 0.01, maxExtra: 1 });
    assert.deepEqual(p.downlink.reorder, { prob: 0.1, window: 1, maxDelayMs: 10 });
    assert.deepEqual(p.dns, {
      delayMs: 200,
      delayProb: 1,
      timeoutProb: 0.05,
      nxdomainProb: 0.01,
      servfailProb: 0.0005,
    });
    assert.equal(p.targets.length, 1);
    assert.ok(Object.isFrozen(p) && Object.isFrozen(p.uplink) && Object.isFrozen(p.targets[0]!.ports));
  });

  it('gives an empty policy no faults, no seed, no dns and no targets', () => {
    const p = validatePolicy({}, 'calm');
    assert.deepEqual(p, {
      name: 'calm',
      description: '',
      seed: null,
      uplink: NO_FAULTS,
      downlink: NO_FAULTS,
      dns: null,
      targets: [],
    });
  });

  it('uses netem gemodel defaults and a packet-count rate limit for a number', () => {
    const p = validatePolicy(
      { correlated_loss: { p_good_to_bad: '10%' }, rate: { rate: '1mbps', limit: 50 } },
      'x',
    );
    assert.deepEqual(p.uplink.correlatedLoss, { pGoodToBad: 0.1, pBadToGood: 0.9, lossGood: 0, lossBad: 1 });
    assert.deepEqual(p.uplink.rate, { bitsPerSecond: 1e6, limit: 50, limitUnit: 'packets' });
  });

  it('accepts a dns delay with a probability', () => {
    const p = validatePolicy({ dns: { delay: { duration: '1s', prob: '50%' } } }, 'x');
    assert.deepEqual(p.dns, {
      delayMs: 1000,
      delayProb: 0.5,
      timeoutProb: 0,
      nxdomainProb: 0,
      servfailProb: 0,
    });
  });

  it('names the path of a bad value', () => {
    rejects(
      () => validatePolicy({ uplink: { jitter: '20' } }, 'slow'),
      'policies.slow.uplink.jitter: expected a duration like "20ms", "250us" or "1.5s", from 0 to 3600s, got "20"',
    );
    const cases: [unknown, string][] = [
      [{ latency: 5 }, 'policies.p.latency: expected a duration'],
      [{ packet_loss: '101%' }, 'policies.p.packet_loss: expected a probability'],
      [{ burst_loss: 0 }, 'policies.p.burst_loss: expected a whole number from 1 to 65535'],
      [
        { distribution: 'lognormal' },
        'policies.p.distribution: expected one of uniform, normal, pareto, paretonormal',
      ],
      [{ correlation: '2' }, 'policies.p.correlation: expected a probability'],
      [{ jitter_reorder: 'yes' }, 'policies.p.jitter_reorder: expected true or false, got "yes"'],
      [{ correlated_loss: {} }, 'policies.p.correlated_loss.p_good_to_bad: is required'],
      [
        { correlated_loss: { p_good_to_bad: 2 } },
        'policies.p.correlated_loss.p_good_to_bad: expected a probability',
      ],
      [{ correlated_loss: '5%' }, 'policies.p.correlated_loss: expected an object'],
      [{ packet_reorder: { window: 2 } }, 'policies.p.packet_reorder.prob: is required'],
      [
        { packet_reorder: { prob: '5%', window: 0 } },
        'policies.p.packet_reorder.window: expected a whole number',
      ],
      [
        { packet_reorder: { prob: '5%', max_delay: '5' } },
        'policies.p.packet_reorder.max_delay: expected a duration',
      ],
      [
        { packet_duplicate: { prob: '5%', max_extra: 0 } },
        'policies.p.packet_duplicate.max_extra: expected a whole number',
      ],
      [{ packet_duplicate: 'often' }, 'policies.p.packet_duplicate: expected a probability'],
      [{ rate: '10mb' }, 'policies.p.rate: expected a rate'],
      [{ rate: { limit: 10 } }, 'policies.p.rate.rate: is required'],
      [{ rate: { rate: '1mbps', limit: '10' } }, 'policies.p.rate.limit: expected a size'],
      [{ rate: { rate: '1mbps', limit: 0 } }, 'policies.p.rate.limit: expected a whole number'],
      [{ downlink: { packet_loss: 'x' } }, 'policies.p.downlink.packet_loss: expected a probability'],
      [{ downlink: '5%' }, 'policies.p.downlink: expected an object'],
      [{ dns: { timeout: '5ms' } }, 'policies.p.dns.timeout: expected a probability'],
      [{ dns: { delay: '5%' } }, 'policies.p.dns.delay: expected a duration'],
      [{ dns: { delay: { prob: '5%' } } }, 'policies.p.dns.delay.duration: is required'],
      [{ seed: -1 }, 'policies.p.seed: expected a whole number from 0 to 4294967295'],
      [{ seed: 'abc' }, 'policies.p.seed: expected a whole number'],
      [{ description: 5 }, 'policies.p.description: expected a string, got 5'],
      [{ targets: [] }, 'policies.p.targets: expected at least one target'],
      [{ targets: ['tcp://10.0.0.1:0'] }, 'policies.p.targets[0]: expected a port'],
      [{ targets: [{ port: 70000 }] }, 'policies.p.targets[0].port: expected a port'],
      [[], 'policies.p: expected a policy object, got []'],
      [null, 'policies.p: expected a policy object, got null'],
    ];
    for (const [input, prefix] of cases) {
      rejects(() => validatePolicy(input, 'p'), prefix);
    }
  });

  it('rejects unknown fields at their own path', () => {
    const cases: [unknown, string][] = [
      [{ jiter: '5ms' }, 'policies.p.jiter: unknown field'],
      [{ uplink: { dns: {} } }, 'policies.p.uplink.dns: unknown field'],
      [{ uplink: { seed: 1 } }, 'policies.p.uplink.seed: unknown field'],
      [{ dns: { refused: '5%' } }, 'policies.p.dns.refused: unknown field'],
      [{ packet_reorder: { prob: '5%', gap: 5 } }, 'policies.p.packet_reorder.gap: unknown field'],
      [{ correlated_loss: { p: '5%' } }, 'policies.p.correlated_loss.p: unknown field'],
      [{ rate: { rate: '1mbps', burst: 5 } }, 'policies.p.rate.burst: unknown field'],
      [{ targets: [{ hots: '10.0.0.1' }] }, 'policies.p.targets[0].hots: unknown field'],
    ];
    for (const [input, prefix] of cases) {
      rejects(() => validatePolicy(input, 'p'), prefix);
    }
  });

  it('rejects bad policy names', () => {
    rejects(() => validatePolicy({}, 'has space'), 'policies.has space: expected a policy name');
    rejects(() => validatePolicy({}, ''), 'policies.: expected a policy name');
  });
});

describe('policyFromFlags', () => {
  it('builds a policy from the common flags', () => {
    const p = policyFromFlags({
      latency: '50ms',
      'uplink-loss': '5%',
      'downlink-rate': '8mbps',
      'burst-loss': '3',
      reorder: '1%',
      duplicate: '2%',
      'dns-nxdomain': '10%',
      target: ['udp://10.0.2.2', 'tcp://*.example.com:443'],
      seed: 7,
    })!;
    assert.equal(p.name, 'cli');
    assert.equal(p.seed, 7);
    assert.equal(p.uplink.latencyMs, 50);
    assert.equal(p.uplink.packetLoss, 0.05);
    assert.equal(p.downlink.packetLoss, 0);
    assert.equal(p.downlink.rate?.bitsPerSecond, 8e6);
    assert.equal(p.uplink.rate, null);
    assert.equal(p.uplink.burstLoss, 3);
    assert.deepEqual(p.uplink.reorder, { prob: 0.01, window: 1, maxDelayMs: 10 });
    assert.equal(p.dns?.nxdomainProb, 0.1);
    assert.equal(p.targets.length, 2);
  });

  it('returns null without policy flags', () => {
    assert.equal(policyFromFlags({ tui: true }), null);
  });

  it('names the flag in errors', () => {
    rejects(
      () => policyFromFlags({ loss: '150%' }),
      '--loss: expected a probability like "5%", "500ppm" or a number in [0, 1], got "150%"',
    );
    rejects(() => policyFromFlags({ 'uplink-jitter': '20' }), '--uplink-jitter: expected a duration');
    rejects(() => policyFromFlags({ 'dns-delay': 'soon' }), '--dns-delay: expected a duration');
    rejects(() => policyFromFlags({ target: ['udp://10.0.0.1', 'udp://2001:db8::1:53'] }), '--target: IPv6');
    rejects(() => policyFromFlags({ seed: 'x' }), '--seed: expected a whole number');
  });
});
