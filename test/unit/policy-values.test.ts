import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PolicyError } from '../../src/policy/errors.js';
import {
  parseDuration,
  parseInteger,
  parseProbability,
  parseRate,
  parseSize,
} from '../../src/policy/values.js';

function rejects(fn: () => unknown, message: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof PolicyError);
    assert.equal(err.message, message);
    return true;
  });
}

describe('parseDuration (ms)', () => {
  it('reads every unit, decimals, case and spaces', () => {
    assert.equal(parseDuration('250us', 'p'), 0.25);
    assert.equal(parseDuration('250µs', 'p'), 0.25);
    assert.equal(parseDuration('20ms', 'p'), 20);
    assert.equal(parseDuration('1.5s', 'p'), 1500);
    assert.equal(parseDuration('.5s', 'p'), 500);
    assert.equal(parseDuration(' 20 MS ', 'p'), 20);
    assert.equal(parseDuration('2S', 'p'), 2000);
    assert.equal(parseDuration(0, 'p'), 0);
    assert.equal(parseDuration('0ms', 'p'), 0);
  });
  it('rejects a number without unit, negatives, other units and non-strings', () => {
    rejects(
      () => parseDuration('20', 'policies.slow.uplink.jitter'),
      'policies.slow.uplink.jitter: expected a duration like "20ms", "250us" or "1.5s", from 0 to 3600s, got "20"',
    );
    rejects(
      () => parseDuration(20, '--latency'),
      '--latency: expected a duration like "20ms", "250us" or "1.5s", from 0 to 3600s, got 20',
    );
    for (const bad of ['-5ms', '5 m s x', '5min', 'ms', '1.2.3ms', '', '5ns']) {
      assert.throws(() => parseDuration(bad, 'p'), PolicyError, bad);
    }
    rejects(
      () => parseDuration(null, 'x'),
      'x: expected a duration like "20ms", "250us" or "1.5s", from 0 to 3600s, got null',
    );
  });
});

describe('parseProbability', () => {
  it('reads percent, ppm, plain numbers and numeric strings', () => {
    assert.equal(parseProbability('5%', 'p'), 0.05);
    assert.equal(parseProbability('500ppm', 'p'), 0.0005);
    assert.equal(parseProbability('500 PPM', 'p'), 0.0005);
    assert.equal(parseProbability(0.25, 'p'), 0.25);
    assert.equal(parseProbability('0.25', 'p'), 0.25);
    assert.equal(parseProbability(0, 'p'), 0);
    assert.equal(parseProbability(1, 'p'), 1);
    assert.equal(parseProbability('100%', 'p'), 1);
    assert.equal(parseProbability('12.5 %', 'p'), 0.125);
  });
  it('rejects values outside [0, 1] naming the path', () => {
    rejects(
      () => parseProbability('150%', '--loss'),
      '--loss: expected a probability like "5%", "500ppm" or a number in [0, 1], got "150%"',
    );
    for (const bad of [1.5, -0.1, '2', '1000001ppm', '5 percent', '%', true, Number.NaN, '-5%']) {
      assert.throws(() => parseProbability(bad, 'p'), PolicyError, String(bad));
    }
  });
});

describe('parseRate (bits per second)', () => {
  it('reads every unit as decimal bits per second', () => {
    assert.equal(parseRate('100bps', 'p'), 100);
    assert.equal(parseRate('64kbps', 'p'), 64_000);
    assert.equal(parseRate('8mbps', 'p'), 8_000_000);
    assert.equal(parseRate('1.5gbps', 'p'), 1_500_000_000);
    assert.equal(parseRate('100bit', 'p'), 100);
    assert.equal(parseRate('512kbit', 'p'), 512_000);
    assert.equal(parseRate('10 Mbit', 'p'), 10_000_000);
    assert.equal(parseRate('2GBIT', 'p'), 2_000_000_000);
  });
  it('rejects zero, bare numbers and byte units', () => {
    rejects(
      () => parseRate('0mbps', '--rate'),
      '--rate: expected a rate like "10mbps" or "512kbit" (bits per second), from 8bps to 1000gbit, got "0mbps"',
    );
    for (const bad of ['10', 10, '10mb', '10MB/s', 'fast', '-1kbps'])
      assert.throws(() => parseRate(bad, 'p'), PolicyError);
  });
});

describe('parseSize (bytes)', () => {
  it('reads decimal and binary units', () => {
    assert.equal(parseSize('1500b', 'p'), 1500);
    assert.equal(parseSize('64kb', 'p'), 64_000);
    assert.equal(parseSize('1.5mb', 'p'), 1_500_000);
    assert.equal(parseSize('2gb', 'p'), 2_000_000_000);
    assert.equal(parseSize('64kib', 'p'), 65_536);
    assert.equal(parseSize('1 MiB', 'p'), 1_048_576);
    assert.equal(parseSize('1GiB', 'p'), 1_073_741_824);
  });
  it('rejects bare numbers, bits and zero', () => {
    rejects(
      () => parseSize('64', 'a.limit'),
      'a.limit: expected a size like "64kb", "1.5mb" or "256kib", from 1b to 16gib, got "64"',
    );
    for (const bad of [64, '0kb', '64kbit', '1tb', '0.1b'])
      assert.throws(() => parseSize(bad, 'p'), PolicyError);
  });
});

describe('parseInteger', () => {
  it('reads numbers and digit strings in range', () => {
    assert.equal(parseInteger(7, 'p', 0, 10), 7);
    assert.equal(parseInteger(' 7 ', 'p', 0, 10), 7);
  });
  it('rejects fractions, signs and out-of-range values', () => {
    rejects(
      () => parseInteger(11, 'x.window', 1, 10),
      'x.window: expected a whole number from 1 to 10, got 11',
    );
    for (const bad of [1.5, '-1', '1e3', '', 'seven'])
      assert.throws(() => parseInteger(bad, 'p', 0, 1000), PolicyError);
  });
});

describe('PolicyError', () => {
  it('is one class with the path and the detail', () => {
    const err = new PolicyError('--loss', 'bad');
    assert.ok(err instanceof Error);
    assert.equal(err.name, 'PolicyError');
    assert.equal(err.path, '--loss');
    assert.equal(err.detail, 'bad');
    assert.equal(err.message, '--loss: bad');
  });
});

describe('value ranges', () => {
  it('refuses values that are not finite or outside their stated range, naming the path', () => {
    const cases: [() => number, RegExp][] = [
      [
        () => parseDuration(`${'9'.repeat(400)}ms`, 'policies.x.latency'),
        /: policies\.x\.latency: .*from 0 to 3600s/,
      ],
      [() => parseDuration('1000000000s', '--latency'), /: --latency: .*from 0 to 3600s/],
      [() => parseRate('0.000000001bps', 'policies.x.rate'), /: policies\.x\.rate: .*from 8bps to 1000gbit/],
      [() => parseRate(`${'9'.repeat(400)}gbps`, '--rate'), /: --rate: /],
      [() => parseSize('17gib', 'policies.x.rate.limit'), /: policies\.x\.rate\.limit: .*from 1b to 16gib/],
    ];
    for (const [parse, message] of cases) assert.throws(parse, message);
    assert.equal(parseDuration('3600s', 'd'), 3_600_000);
    assert.equal(parseRate('8bps', 'r'), 8);
  });
});
