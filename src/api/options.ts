import { isIP } from 'node:net';

/** A bad option or flag: the message names it; the CLI prints it on one line and exits 2. */
export class OptionError extends Error {
  override name = 'OptionError';
}

export const MTU_MIN = 1280;
export const MTU_MAX = 65520;

/** The namespace side of the address plan (DESIGN.md), slirp4netns-compatible. */
export const ADDRESSES = {
  ifname: 'tun0',
  address4: '10.0.2.100',
  prefix4: 24,
  gateway4: '10.0.2.2',
  dns4: '10.0.2.3',
  address6: 'fd00:fa17::100',
  prefix6: 64,
  gateway6: 'fd00:fa17::2',
  dns6: 'fd00:fa17::3',
} as const;

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
