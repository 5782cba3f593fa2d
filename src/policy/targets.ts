import { Address4, Address6 } from 'ip-address';
import { childPath, expected, PolicyError } from './errors.js';
import { readObject } from './fields.js';
import type { PortRange, Target, TargetProtocol } from './types.js';
import { parseInteger } from './values.js';

/**
 * `targets`: a list of rules, each an object `{protocol, host, cidr, hostname, port, priority}` or a
 * string `proto://address[:ports]` where address is an IPv4 address or CIDR, a bracketed IPv6
 * address or CIDR (`[2001:db8::/32]` or `[2001:db8::]/32`), a hostname (`*.example.com`) or `*`.
 */

export const DEFAULT_PRIORITY = 100;

const PROTOCOLS: readonly TargetProtocol[] = ['tcp', 'udp', 'icmp', 'any'];
const TARGET_FIELDS = ['protocol', 'host', 'cidr', 'hostname', 'port', 'priority'];
const LABEL = '[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?';
const HOSTNAME_RE = new RegExp(`^(?:\\*\\.)?${LABEL}(?:\\.${LABEL})*$`);
const PORT_ITEM_RE = /^(\d+)(?:-(\d+))?$/;
const PORT_HELP = 'a port from 1 to 65535, a range like "80-90" or a list like "80,443"';
const URL_RE = /^([a-z0-9]*):\/\/(.*)$/;

interface AddressPart {
  host: string | null;
  cidr: string | null;
  hostname: string | null;
}

function parseProtocol(value: unknown, path: string): TargetProtocol {
  const text = typeof value === 'string' ? value.trim().toLowerCase() : value;
  if (!PROTOCOLS.includes(text as TargetProtocol)) throw expected(path, 'one of tcp, udp, icmp, any', value);
  return text as TargetProtocol;
}

function isIPv4Like(text: string): boolean {
  return /^[\d.]+$/.test(text);
}

/** An IP address literal -> its canonical text (IPv6 in RFC 5952 form), or null. */
export function canonicalAddress(text: string): string | null {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (bare.includes('/') || bare.includes('%')) return null;
  if (Address4.isValid(bare) && isIPv4Like(bare)) return new Address4(bare).correctForm();
  if (Address6.isValid(bare)) return new Address6(bare).correctForm();
  return null;
}

function parseHost(value: unknown, path: string): string {
  const canonical = typeof value === 'string' ? canonicalAddress(value.trim().toLowerCase()) : null;
  if (canonical === null) {
    throw expected(path, 'an IP address like "10.0.0.1" or "2001:db8::1" (use hostname for names)', value);
  }
  return canonical;
}

function parseCidr(value: unknown, path: string): string {
  const text = typeof value === 'string' ? value.replace(/\s+/g, '').toLowerCase() : '';
  const slash = text.indexOf('/');
  const address = slash < 0 ? '' : text.slice(0, slash).replace(/^\[(.*)\]$/, '$1');
  const prefix = slash < 0 ? '' : text.slice(slash + 1);
  if (/^\d{1,3}$/.test(prefix)) {
    const bits = Number(prefix);
    if (isIPv4Like(address) && Address4.isValid(address) && bits <= 32) {
      return `${new Address4(`${address}/${bits}`).startAddress().correctForm()}/${bits}`;
    }
    if (Address6.isValid(address) && !address.includes('/') && bits <= 128) {
      return `${new Address6(`${address}/${bits}`).startAddress().correctForm()}/${bits}`;
    }
  }
  throw expected(path, 'a CIDR like "10.0.0.0/8" or "2001:db8::/32"', value);
}

function parseHostname(value: unknown, path: string): string {
  const text = typeof value === 'string' ? value.trim().toLowerCase().replace(/\.$/, '') : '';
  if (text.length > 253 || !HOSTNAME_RE.test(text) || isIPv4Like(text)) {
    throw expected(path, 'a hostname like "api.example.com" or "*.example.com"', value);
  }
  return text;
}

function parsePortItem(item: string, path: string, original: unknown): PortRange {
  const m = PORT_ITEM_RE.exec(item);
  const from = m === null ? 0 : Number(m[1]);
  const to = m === null ? 0 : m[2] === undefined ? from : Number(m[2]);
  if (!(from >= 1 && to <= 65535 && from <= to)) throw expected(path, PORT_HELP, original);
  return { from, to };
}

/** `443`, `"80-90"`, `"80,443"`, `[80, "8000-8100"]` -> port ranges (ends included). */
export function parsePorts(value: unknown, path: string): PortRange[] {
  const ranges: PortRange[] = [];
  const addText = (text: string, itemPath: string, original: unknown) => {
    for (const item of text.replace(/\s+/g, '').split(','))
      ranges.push(parsePortItem(item, itemPath, original));
  };
  if (typeof value === 'number') ranges.push(parsePortItem(String(value), path, value));
  else if (typeof value === 'string') addText(value, path, value);
  else if (Array.isArray(value)) {
    if (value.length === 0) throw expected(path, `${PORT_HELP} (not an empty list)`, value);
    value.forEach((item, i) => {
      const itemPath = childPath(path, i);
      if (typeof item === 'number') ranges.push(parsePortItem(String(item), itemPath, item));
      else if (typeof item === 'string') addText(item, itemPath, item);
      else throw expected(itemPath, PORT_HELP, item);
    });
  } else throw expected(path, PORT_HELP, value);
  return ranges;
}

function checkTarget(target: Target, path: string): Target {
  if (target.host !== null && target.cidr !== null) {
    throw new PolicyError(path, 'host and cidr cannot both be set (a host is a /32 or /128 cidr)');
  }
  if (target.hostname !== null && (target.host !== null || target.cidr !== null)) {
    throw new PolicyError(path, 'hostname cannot be combined with host or cidr');
  }
  if (target.protocol === 'icmp' && target.ports !== null) {
    throw new PolicyError(path, 'icmp has no ports; remove port or use tcp, udp or any');
  }
  return target;
}

function parseUrlAddress(
  text: string,
  path: string,
  original: unknown,
): { address: AddressPart; ports: string } {
  const none: AddressPart = { host: null, cidr: null, hostname: null };
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    const inner = text.slice(1, close);
    const prefix = /^\/\d*/.exec(text.slice(close + 1))?.[0] ?? '';
    const rest = text.slice(close + 1 + prefix.length);
    if (close < 0) throw expected(path, 'a bracketed IPv6 address like "udp://[2001:db8::1]:53"', original);
    if (inner.includes('/') || prefix !== '') {
      return { address: { ...none, cidr: parseCidr(inner + prefix, path) }, ports: rest };
    }
    const host = canonicalAddress(inner);
    if (host === null || !host.includes(':')) {
      throw expected(path, 'a bracketed IPv6 address like "udp://[2001:db8::1]:53"', original);
    }
    return { address: { ...none, host }, ports: rest };
  }
  const colons = text.split(':').length - 1;
  if (colons > 1) {
    throw new PolicyError(path, `IPv6 addresses need brackets in URL form, like "udp://[2001:db8::1]:53"`);
  }
  const colon = text.indexOf(':');
  const address = colon < 0 ? text : text.slice(0, colon);
  const rest = colon < 0 ? '' : text.slice(colon);
  if (address === '*') return { address: none, ports: rest };
  if (address.includes('/')) return { address: { ...none, cidr: parseCidr(address, path) }, ports: rest };
  if (isIPv4Like(address)) return { address: { ...none, host: parseHost(address, path) }, ports: rest };
  return { address: { ...none, hostname: parseHostname(address, path) }, ports: rest };
}

/** `tcp://10.0.0.0/8:9000`, `udp://[2001:db8::1]:53`, `tcp://*.example.com:443`, `any://example.com`. */
export function parseTargetString(value: string, path: string): Target {
  const text = value.replace(/\s+/g, '').toLowerCase();
  const m = URL_RE.exec(text);
  if (m === null || m[2] === '') {
    throw expected(path, 'a target like "tcp://10.0.0.0/8:9000" or "udp://[2001:db8::1]:53"', value);
  }
  const protocol = parseProtocol(m[1], path);
  const { address, ports } = parseUrlAddress(m[2]!, path, value);
  if (ports !== '' && !ports.startsWith(':')) {
    throw expected(path, 'a target like "tcp://10.0.0.0/8:9000" or "udp://[2001:db8::1]:53"', value);
  }
  const target: Target = {
    protocol,
    ...address,
    ports: ports === '' ? null : parsePorts(ports.slice(1), path),
    priority: DEFAULT_PRIORITY,
  };
  return checkTarget(target, path);
}

export function parseTarget(value: unknown, path: string): Target {
  if (typeof value === 'string') return parseTargetString(value, path);
  const o = readObject(value, path, TARGET_FIELDS, 'a target string or object');
  const target: Target = {
    protocol: o.protocol === undefined ? 'any' : parseProtocol(o.protocol, childPath(path, 'protocol')),
    host: o.host === undefined ? null : parseHost(o.host, childPath(path, 'host')),
    cidr: o.cidr === undefined ? null : parseCidr(o.cidr, childPath(path, 'cidr')),
    hostname: o.hostname === undefined ? null : parseHostname(o.hostname, childPath(path, 'hostname')),
    ports: o.port === undefined ? null : parsePorts(o.port, childPath(path, 'port')),
    priority:
      o.priority === undefined
        ? DEFAULT_PRIORITY
        : parseInteger(o.priority, childPath(path, 'priority'), 0, 65535),
  };
  return checkTarget(target, path);
}

/** A list of targets (a single string or object counts as a list of one); never empty. */
export function parseTargets(value: unknown, path: string): Target[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0)
    throw new PolicyError(path, 'expected at least one target (omit targets to match all traffic)');
  return list.map((item, i) => parseTarget(item, Array.isArray(value) ? childPath(path, i) : path));
}

/** A target in URL form (`tcp://10.0.0.0/8:9000`, `udp://[2001:db8::]/32:53`), priority left out. */
export function formatTarget(t: Target): string {
  const bracket = (a: string) => (a.includes(':') ? `[${a}]` : a);
  let address = t.hostname ?? '*';
  if (t.host !== null) address = bracket(t.host);
  if (t.cidr !== null) {
    const slash = t.cidr.lastIndexOf('/');
    address = `${bracket(t.cidr.slice(0, slash))}${t.cidr.slice(slash)}`;
  }
  const ports =
    t.ports === null
      ? ''
      : `:${t.ports.map((r) => (r.from === r.to ? r.from : `${r.from}-${r.to}`)).join(',')}`;
  return `${t.protocol}://${address}${ports}`;
}
