import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runSeeds } from './tcp-seeds.js';

test('stack against itself, seeds 0-999: byte-exact both ways, none stalls', () => {
  const summary = runSeeds(0, 1000);
  assert.deepEqual(summary.failures, []);
  assert.ok(summary.bytes > 150_000_000, `bytes ${summary.bytes}`);
});
