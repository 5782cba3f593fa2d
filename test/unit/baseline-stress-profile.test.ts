import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseProfile } from '../stress/profile.js';

test('smoke and long defaults: at most 30 s with 4 workers; at least 10 minutes with 24', () => {
  const smoke = parseProfile([], {});
  assert.deepEqual(smoke, {
    mode: 'smoke',
    durationS: 14,
    workers: 4,
    maxErrorRate: 0.02,
    maxRssDeltaKb: 131072,
    json: undefined,
  });
  const long = parseProfile(['--mode', 'long'], {});
  assert.ok(long.durationS >= 600);
  assert.equal(long.workers, 24);
});

test('$STRESS_MAX_* set the limits; flags win over them', () => {
  const env = { STRESS_MAX_ERROR_RATE: '0.05', STRESS_MAX_RSS_DELTA_KB: '65536' };
  assert.deepEqual([parseProfile([], env).maxErrorRate, parseProfile([], env).maxRssDeltaKb], [0.05, 65536]);
  const flags = parseProfile(['--max-error-rate', '0', '--max-rss-delta-kb', '1', '--workers', '8'], env);
  assert.deepEqual([flags.maxErrorRate, flags.maxRssDeltaKb, flags.workers], [0, 1, 8]);
});

test('bad values name the flag or the variable they came from', () => {
  assert.throws(
    () => parseProfile(['--max-error-rate', '1.5'], {}),
    /--max-error-rate: expected a number from 0 to 1/,
  );
  assert.throws(() => parseProfile([], { STRESS_MAX_RSS_DELTA_KB: 'lots' }), /STRESS_MAX_RSS_DELTA_KB/);
  assert.throws(() => parseProfile(['--workers', '2.5'], {}), /--workers: expected an integer/);
  assert.throws(() => parseProfile(['--mode', 'medium'], {}), /--mode/);
  assert.throws(() => parseProfile(['--bogus'], {}), /bogus/);
});
