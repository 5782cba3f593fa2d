import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, resolve } from 'node:path';
import type { ResourceLimits } from '../dataplane/protocol.js';
import { defaultHostSocketLimits, openFileLimit, RESERVED_DESCRIPTORS } from '../egress/limits.js';
import { DEFAULT_MAX_HELD_BYTES } from '../faults/engine.js';
import { describeValue } from '../policy/errors.js';
import { parseDuration, parseInteger, parseSize } from '../policy/values.js';
import { DEFAULT_MAX_FLOWS } from '../router/router.js';

/** A bad option or flag: the message names it; the CLI prints it on one line and exits 2. */
export class OptionError extends Error {
  override name = 'OptionError';
}

export const MTU_MIN = 1280;
export const MTU_MAX = 65520;

export function parseMtu(value: unknown, field: string): number {
  const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < MTU_MIN || n > MTU_MAX) {
    throw new OptionError(
      `${field}: expected an integer from ${MTU_MIN} to ${MTU_MAX}, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

const HOSTNAME =
  /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/;

/** Parses `NAME=IP` entries into a lower-case name -> addresses table. */
export function parseHosts(entries: readonly unknown[], field: string): Map<string, string[]> {
  const table = new Map<string, string[]>();
  for (const entry of entries) {
    const text = String(entry);
    const eq = text.indexOf('=');
    const name = text.slice(0, eq).trim().toLowerCase().replace(/\.$/, '');
    const address = text.slice(eq + 1).trim();
    if (eq < 0 || !HOSTNAME.test(name)) {
      throw new OptionError(`${field}: expected NAME=IP, got ${JSON.stringify(text)}`);
    }
    if (isIP(address) === 0) {
      throw new OptionError(
        `${field}: ${JSON.stringify(address)} is not an IPv4 or IPv6 address (in ${JSON.stringify(text)})`,
      );
    }
    const list = table.get(name) ?? [];
    list.push(address);
    table.set(name, list);
  }
  return table;
}

const LIBRARY_OPTIONS = [
  'mtu',
  'dnsUpstream',
  'hosts',
  'hostLoopback',
  'hostNetwork',
  'udpIdleTimeout',
  'udpIdleTimeoutMs',
  'linger',
  'maxFlows',
  'maxHeld',
  'maxHostTcp',
  'maxHostUdp',
  'policies',
  'seed',
  'control',
  'runJson',
  'program',
  'registry',
  'activePolicies',
  'policySources',
];

/**
 * Checks the shape of `Network.start`'s options before anything is made: unknown keys and values of
 * the wrong type are OptionErrors naming the field (`options.hostLoopback: expected ...`).
 */
export function checkOptionShape(opts: unknown, flag: (name: string) => string): void {
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) {
    throw new OptionError(
      `${flag('').replace(/\.$/, '') || 'options'}: expected an object, got ${describeValue(opts)}`,
    );
  }
  const o = opts as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!LIBRARY_OPTIONS.includes(key) && o[key] !== undefined) {
      throw new OptionError(`${flag(key)}: unknown option (expected one of ${LIBRARY_OPTIONS.join(', ')})`);
    }
  }
  const want = (key: string, ok: (v: unknown) => boolean, what: string) => {
    if (o[key] !== undefined && !ok(o[key])) {
      throw new OptionError(`${flag(key)}: expected ${what}, got ${describeValue(o[key])}`);
    }
  };
  const isString = (v: unknown) => typeof v === 'string';
  want('dnsUpstream', isString, 'a string like "1.1.1.1" or "[::1]:5353"');
  want('hostLoopback', (v) => typeof v === 'boolean', 'true or false');
  want('hostNetwork', (v) => typeof v === 'boolean', 'true or false');
  want('control', (v) => isString(v) && v !== '', 'a socket path');
  want('runJson', (v) => isString(v) && v !== '', 'a file path');
  want(
    'hosts',
    (v) => v instanceof Map || (typeof v === 'object' && v !== null && !Array.isArray(v)),
    'an object { name: ip | ip[] }',
  );
  if (o.hosts !== undefined && !(o.hosts instanceof Map)) {
    for (const [name, ips] of Object.entries(o.hosts as object)) {
      const list: unknown[] = Array.isArray(ips) ? ips : [ips];
      if (list.length === 0 || !list.every(isString)) {
        throw new OptionError(
          `${flag('hosts')}.${name}: expected an IP address or a list of them, got ${describeValue(ips)}`,
        );
      }
    }
  }
  if (o.seed !== undefined) parseOptionInteger(o.seed, flag('seed'), 0, 0xffffffff);
  if (o.udpIdleTimeout !== undefined && o.udpIdleTimeoutMs !== undefined) {
    throw new OptionError(`${flag('udpIdleTimeout')}: give udpIdleTimeout or udpIdleTimeoutMs, not both`);
  }
  if (typeof o.runJson === 'string') {
    const dir = dirname(resolve(o.runJson));
    if (!existsSync(dir)) throw new OptionError(`${flag('runJson')}: the directory ${dir} does not exist`);
  }
  if (o.program !== undefined) {
    const p = o.program as { command?: unknown; args?: unknown };
    if (
      typeof p !== 'object' ||
      p === null ||
      !isString(p.command) ||
      !Array.isArray(p.args) ||
      !p.args.every(isString)
    ) {
      throw new OptionError(
        `${flag('program')}: expected { command: string, args: string[] }, got ${describeValue(o.program)}`,
      );
    }
  }
}

function parseOptionInteger(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new OptionError(`${field}: expected an integer from ${min} to ${max}, got ${describeValue(value)}`);
  }
  return value;
}

/** Resource limits of one network; every one counted by cause in `stats.discards` when it bites. */

/** `maxFlows`, `maxHeld` (a size or bytes), `maxHostTcp`, `maxHostUdp`: checked, with defaults. */
export function parseLimits(
  o: Record<string, unknown>,
  flag: (name: string) => string,
  nofile = openFileLimit(),
): ResourceLimits {
  const sockets = defaultHostSocketLimits(nofile);
  const int = (key: string, fallback: number, max: number) =>
    o[key] === undefined ? fallback : parseInteger(o[key], flag(key), 1, max);
  const maxTcp = int('maxHostTcp', sockets.maxTcp, 1_000_000);
  const maxUdp = int('maxHostUdp', sockets.maxUdp, 1_000_000);
  // Only limits the user set can be wrong: the defaults are fractions of the same limit.
  const set = o.maxHostTcp !== undefined ? 'maxHostTcp' : o.maxHostUdp !== undefined ? 'maxHostUdp' : null;
  if (set !== null && maxTcp + maxUdp > nofile - RESERVED_DESCRIPTORS) {
    throw new OptionError(
      `${flag(set)}: ${maxTcp} TCP + ${maxUdp} UDP host sockets leave fewer than ${RESERVED_DESCRIPTORS} of the ${nofile} open files (ulimit -n) to faultnet itself; lower it or raise the limit`,
    );
  }
  return {
    maxFlows: int('maxFlows', DEFAULT_MAX_FLOWS, 10_000_000),
    maxHeldBytes:
      o.maxHeld === undefined
        ? DEFAULT_MAX_HELD_BYTES
        : typeof o.maxHeld === 'number'
          ? parseInteger(o.maxHeld, flag('maxHeld'), 1, 16 * 2 ** 30)
          : parseSize(o.maxHeld, flag('maxHeld')),
    sockets: {
      maxTcp,
      maxConnecting: Math.min(sockets.maxConnecting, maxTcp),
      maxUdp,
    },
  };
}

export const DEFAULT_LINGER_MS = 5_000;
export const MAX_LINGER_MS = 600_000;

/** `linger`: a duration like "5s" or ms, 0..600s; the CLI's `--linger` passes the same. */
export function parseLinger(value: unknown, field: string): number {
  if (value === undefined) return DEFAULT_LINGER_MS;
  const ms = typeof value === 'number' ? value : parseDuration(value, field);
  if (!(ms >= 0 && ms <= MAX_LINGER_MS)) {
    throw new OptionError(`${field}: expected a duration from 0 to 600s, got ${describeValue(value)}`);
  }
  return ms;
}

/** `udpIdleTimeout` (a duration like "30s", or ms) or the CLI's `udpIdleTimeoutMs`, in ms. */
export function parseIdleTimeout(
  o: { udpIdleTimeout?: unknown; udpIdleTimeoutMs?: unknown },
  flag: (name: string) => string,
): number {
  let ms: unknown = o.udpIdleTimeoutMs ?? 60_000;
  let field = flag('udpIdleTimeoutMs');
  if (o.udpIdleTimeout !== undefined) {
    field = flag('udpIdleTimeout');
    ms = typeof o.udpIdleTimeout === 'number' ? o.udpIdleTimeout : parseDuration(o.udpIdleTimeout, field);
  }
  if (typeof ms !== 'number' || !(ms > 0))
    throw new OptionError(`${field}: must be greater than zero, got ${describeValue(ms)}`);
  return ms;
}
