import { expected } from './errors.js';

/**
 * The value syntax of DESIGN.md "Policies". Every parser takes the field path used in its error, so
 * policy files (`policies.slow.uplink.jitter`) and CLI flags (`--jitter`) report the same way.
 * Strings are case-insensitive and may contain spaces anywhere. Canonical units: durations in
 * milliseconds (float, the `performance.now()` domain the engine runs in), rates in bits per second,
 * sizes in bytes, probabilities in [0, 1]. Every value has a finite range (below), so that no
 * spelling can produce Infinity, a timer Node cannot arm, or a rate that holds a packet for days.
 */

/** Durations: 0 to one hour. An hour is far past any fault worth testing and well inside what a
 * Node timer can hold (2^31-1 ms). */
export const MAX_DURATION_MS = 3_600_000;
/** Rates: 8 bit/s (one byte a second) to 1 Tbit/s. */
export const MIN_RATE_BPS = 8;
export const MAX_RATE_BPS = 1e12;
/** Sizes: 1 byte to 16 GiB. */
export const MAX_SIZE_BYTES = 16 * 1024 ** 3;

const NUMBER = '(\\d+(?:\\.\\d*)?|\\.\\d+)';
const DURATION_RE = new RegExp(`^${NUMBER}(us|µs|ms|s)$`);
const PROBABILITY_RE = new RegExp(`^${NUMBER}(%|ppm)?$`);
const RATE_RE = new RegExp(`^${NUMBER}(bps|kbps|mbps|gbps|bit|kbit|mbit|gbit)$`);
const SIZE_RE = new RegExp(`^${NUMBER}(b|kb|mb|gb|kib|mib|gib)$`);
const INTEGER_RE = /^\d+$/;

const DURATION_MS: Readonly<Record<string, number>> = { us: 0.001, µs: 0.001, ms: 1, s: 1000 };
const RATE_BPS: Readonly<Record<string, number>> = {
  bps: 1,
  bit: 1,
  kbps: 1e3,
  kbit: 1e3,
  mbps: 1e6,
  mbit: 1e6,
  gbps: 1e9,
  gbit: 1e9,
};
const SIZE_BYTES: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

function normalise(value: string): string {
  return value.replace(/\s+/g, '').toLowerCase();
}

function unitMatch(value: unknown, re: RegExp): RegExpExecArray | null {
  return typeof value === 'string' ? re.exec(normalise(value)) : null;
}

/** `"250us"`, `"20ms"`, `"1.5s"` (or 0, as a number or a string) -> milliseconds. */
export function parseDuration(value: unknown, path: string): number {
  if (value === 0 || value === '0') return 0;
  const m = unitMatch(value, DURATION_RE);
  const ms = m === null ? Number.NaN : Number(m[1]) * DURATION_MS[m[2]!]!;
  if (!(ms >= 0 && ms <= MAX_DURATION_MS)) {
    throw expected(path, 'a duration like "20ms", "250us" or "1.5s", from 0 to 3600s', value);
  }
  return ms;
}

/** `"5%"`, `"500ppm"`, or a number in [0, 1] (also as a string, as CLI flags give it). */
export function parseProbability(value: unknown, path: string): number {
  let p = Number.NaN;
  if (typeof value === 'number') p = value;
  else {
    const m = unitMatch(value, PROBABILITY_RE);
    if (m !== null) p = Number(m[1]) / (m[2] === '%' ? 100 : m[2] === 'ppm' ? 1e6 : 1);
  }
  if (!(p >= 0 && p <= 1)) {
    throw expected(path, 'a probability like "5%", "500ppm" or a number in [0, 1]', value);
  }
  return p;
}

/** `"10mbps"`, `"512kbit"` -> bits per second (decimal prefixes), greater than zero. */
export function parseRate(value: unknown, path: string): number {
  const m = unitMatch(value, RATE_RE);
  const bps = m === null ? 0 : Number(m[1]) * RATE_BPS[m[2]!]!;
  if (!(bps >= MIN_RATE_BPS && bps <= MAX_RATE_BPS)) {
    throw expected(path, 'a rate like "10mbps" or "512kbit" (bits per second), from 8bps to 1000gbit', value);
  }
  return bps;
}

/** `"64kb"` (decimal) or `"64kib"` (binary) -> whole bytes, at least one. */
export function parseSize(value: unknown, path: string): number {
  const m = unitMatch(value, SIZE_RE);
  const bytes = m === null ? 0 : Math.round(Number(m[1]) * SIZE_BYTES[m[2]!]!);
  if (!(bytes >= 1 && bytes <= MAX_SIZE_BYTES)) {
    throw expected(path, 'a size like "64kb", "1.5mb" or "256kib", from 1b to 16gib', value);
  }
  return bytes;
}

/** A whole number in [min, max], given as a number or a string of digits. */
export function parseInteger(value: unknown, path: string, min: number, max: number): number {
  let n = Number.NaN;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && INTEGER_RE.test(normalise(value))) n = Number(normalise(value));
  if (!(Number.isInteger(n) && n >= min && n <= max)) {
    throw expected(path, `a whole number from ${min} to ${max}`, value);
  }
  return n;
}
