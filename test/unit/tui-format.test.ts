import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  formatBits,
  formatBytes,
  formatCount,
  formatMs,
  formatPercent,
  formatUptime,
  printable,
  sparkline,
} from '../../tui/format.js';

test('counts and bytes use decimal units with three significant digits', () => {
  assert.equal(formatCount(0), '0');
  assert.equal(formatCount(999), '999');
  assert.equal(formatCount(1234), '1.23k');
  assert.equal(formatCount(45_600_000), '45.6M');
  assert.equal(formatBytes(512), '512B');
  assert.equal(formatBytes(1_500), '1.50kB');
  assert.equal(formatBytes(123_456_789), '123MB');
  assert.equal(formatBits(512_000), '512kbit/s');
  assert.equal(formatBits(10_000_000), '10.0Mbit/s');
});

test('durations, probabilities and uptime', () => {
  assert.equal(formatMs(0.25), '0.25ms');
  assert.equal(formatMs(50.2), '50.2ms');
  assert.equal(formatMs(250), '250ms');
  assert.equal(formatMs(1500), '1.50s');
  assert.equal(formatPercent(0.05), '5%');
  assert.equal(formatPercent(0.0005), '0.05%');
  assert.equal(formatPercent(0.07), '7%');
  assert.equal(formatUptime(42_900), '42s');
  assert.equal(formatUptime(187_000), '3m07s');
  assert.equal(formatUptime(7_387_000), '2h03m07s');
});

test('a sparkline scales to its largest value and leaves zeros blank', () => {
  assert.equal(sparkline([0, 1, 2, 4, 8]), ' ▂▃▅█');
  assert.equal(sparkline([0, 0, 0]), '   ');
  assert.equal(sparkline([]), '');
});

test('printable: escape sequences from a DNS name are shown, not sent to the terminal', () => {
  assert.equal(printable('evil\u001b]0;pwned\u0007.test'), 'evil\\x1b]0;pwned\\x07.test');
  assert.equal(printable('red\u001b[31m\u009b.test'), 'red\\x1b[31m\\x9b.test');
  assert.equal(printable('plain.example.com'), 'plain.example.com');
});
