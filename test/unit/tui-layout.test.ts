import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planLayout } from '../../tui/layout.js';

test('80x24 is one column: 3 flows, 2 rules, 2 rows of policy fields', () => {
  assert.deepEqual(planLayout(80, 24), {
    wide: false,
    width: 80,
    flows: 3,
    rules: 2,
    policyLines: 2,
    sparkWidth: 44,
  });
});

test('160x50 is two columns with room for more flows, rules and policies', () => {
  assert.deepEqual(planLayout(160, 50), {
    wide: true,
    width: 79,
    flows: 17,
    rules: 9,
    policyLines: 36,
    sparkWidth: 43,
  });
});

test('a tiny terminal gets no rows it does not have', () => {
  const tiny = planLayout(40, 10);
  assert.equal(tiny.flows + tiny.rules + tiny.policyLines, 0);
  assert.equal(tiny.sparkWidth, 4);
});
