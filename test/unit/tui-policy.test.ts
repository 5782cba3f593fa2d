import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validatePolicy } from '../../src/policy/index.js';
import { policyInput } from '../../tui/policy-input.js';
import { describeFaults, describePolicy } from '../../tui/policy-text.js';
import { activeAfterTuning, tunedName, tunePolicy, tuningBase } from '../../tui/tuning.js';
import { fixturePolicies } from './tui-fixtures.js';

test('a policy written back in policy-file syntax validates to the same policy', () => {
  for (const [name, policy] of Object.entries(fixturePolicies())) {
    assert.deepEqual(validatePolicy(policyInput(policy), name), policy, name);
  }
});

test('tuned copies get a derived, valid name; a tuned copy keeps its name', () => {
  assert.equal(tunedName('slow'), 'slow.tuned');
  assert.equal(tunedName('slow.tuned'), 'slow.tuned');
  const long = tunedName('x'.repeat(64));
  assert.equal(long.length, 64);
  assert.ok(long.endsWith('.tuned'));
  validatePolicy({}, long);
});

test('tuning adds to latency and loss in both directions, never below 0 or above 1', () => {
  const slow = fixturePolicies().slow!;
  const up = tunePolicy(slow, { latencyMs: 10, loss: 0.01 });
  assert.equal(up.name, 'slow.tuned');
  assert.equal(up.uplink.latencyMs, 60);
  assert.equal(up.downlink.latencyMs, 60);
  assert.equal(up.uplink.packetLoss, 0.02);
  assert.equal(up.uplink.jitterMs, 10, 'other fields are kept');
  assert.deepEqual(up.targets, slow.targets);
  const down = tunePolicy(slow, { latencyMs: -100, loss: -0.05 });
  assert.equal(down.uplink.latencyMs, 0);
  assert.equal(down.uplink.packetLoss, 0);
  assert.equal(tunePolicy(slow, { latencyMs: 0, loss: 2 }).downlink.packetLoss, 1);
});

test('the tuned policy replaces its base in the active set, in place', () => {
  assert.deepEqual(activeAfterTuning(['a', 'slow', 'b'], 'slow', 'slow.tuned'), ['a', 'slow.tuned', 'b']);
  assert.deepEqual(activeAfterTuning(['slow.tuned'], 'slow.tuned', 'slow.tuned'), ['slow.tuned']);
  assert.deepEqual(activeAfterTuning([], 'tui', 'tui.tuned'), ['tui.tuned']);
});

test('the keys tune the most recently activated policy, or a blank one', () => {
  const policies = fixturePolicies();
  assert.equal(tuningBase({ registered: [], active: ['slow', 'lossy'], policies }).name, 'lossy');
  const blank = tuningBase({ registered: [], active: [], policies });
  assert.equal(blank.name, 'tui');
  assert.equal(blank.uplink.latencyMs, 0);
  assert.deepEqual(blank.targets, []);
});

test('policy fields read as one line', () => {
  const p = fixturePolicies();
  assert.equal(describePolicy(p.slow!), 'latency 50.0ms±10.0ms, loss 1% · on tcp://*.example.com:443');
  assert.equal(describePolicy(p.lossy!), '↑ none ↓ loss 5% burst 3 · all traffic · seed 7');
  assert.equal(describePolicy(p.dnsflaky!), 'none · dns delay 200ms@50%, nxdomain 10% · all traffic');
  assert.equal(
    describeFaults(p.kitchen!.downlink),
    'latency 1.50s±0.25ms pareto, gilbert 1%/20%, reorder 2% w3 15.0ms, dup 0.5% ×2, rate 10.0Mbit/s q65.5kB',
  );
  assert.equal(
    describeFaults(p.kitchen!.uplink),
    'latency 20.0ms±0.25ms pareto, gilbert 1%/20%, reorder 2% w3 15.0ms, dup 0.5% ×2, rate 512kbit/s q1000p',
  );
});
