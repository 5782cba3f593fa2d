import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runSeeds } from './tcp-seeds.js';

test('stack against itself, seeds 1000-1999: byte-exact both ways, none stalls', () => {
  const summary = runSeeds(1000, 2000);
  assert.deepEqual(summary.failures, []);
  assert.ok(summary.bytes > 150_000_000, `bytes ${summary.bytes}`);
});
