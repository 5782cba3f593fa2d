import { Address4, Address6 } from 'ip-address';
import type { FlowDescriptor, Target } from './types.js';

/**
 * A target compiled for matching flows. Matching runs once per flow (the router caches the
 * result), so it may parse the flow's address; it never runs per packet.
 */

/** An address as family + 128-bit-or-less integer, so CIDR tests are shifts. */
export interface AddressValue {
  readonly family: 4 | 6;
  readonly value: bigint;
}

/** Parses an IP address; null when the text is not one. */
export function parseAddressValue(text: string): AddressValue | null {
  if (text.includes(':')) {
    return Address6.isValid(text) ? { family: 6, value: new Address6(text).bigInt() } : null;
  }
  return Address4.isValid(text) ? { family: 4, value: new Address4(text).bigInt() } : null;
}

/** Flow-independent inputs of matching, parsed once per flow. */
export interface FlowKey {
  readonly protocol: FlowDescriptor['protocol'];
  readonly address: AddressValue | null;
  readonly port: number;
  readonly hostnames: readonly string[];
}

export function flowKey(flow: FlowDescriptor): FlowKey {
  return {
    protocol: flow.protocol,
    address: parseAddressValue(flow.dstAddress),
    port: flow.dstPort,
    hostnames: flow.hostnames.map(normaliseHostname),
  };
}

export function normaliseHostname(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/**
 * Address specificity, the tie-breaker after priority: exact host > exact hostname > wildcard
 * hostname (longer suffix first) > CIDR (longer prefix first) > no address.
 */
const RANK_HOST = 4000;
const RANK_HOSTNAME = 3000;
const RANK_WILDCARD = 2000;
const RANK_CIDR = 1000;

export class TargetMatcher {
  /** Larger is more specific. */
  readonly addressRank: number;
  /** 1 when the target names ports or a protocol: it then beats an otherwise equal target without. */
  readonly portRank: number;
  readonly protocolRank: number;
  private readonly family: 0 | 4 | 6;
  private readonly network: bigint;
  private readonly shift: bigint;
  private readonly exactName: string | null;
  /** `.example.com` for `*.example.com`. */
  private readonly suffix: string | null;
  private readonly ports: Uint16Array | null;

  constructor(readonly target: Target) {
    let family: 0 | 4 | 6 = 0;
    let network = 0n;
    let shift = 0n;
    let rank = 0;
    if (target.host !== null) {
      const a = parseAddressValue(target.host)!;
      family = a.family;
      network = a.value;
      rank = RANK_HOST;
    } else if (target.cidr !== null) {
      const slash = target.cidr.lastIndexOf('/');
      const a = parseAddressValue(target.cidr.slice(0, slash))!;
      const prefix = Number(target.cidr.slice(slash + 1));
      family = a.family;
      shift = BigInt((a.family === 4 ? 32 : 128) - prefix);
      network = a.value >> shift;
      rank = RANK_CIDR + prefix;
    }
    const name = target.hostname;
    this.exactName = name !== null && !name.startsWith('*.') ? name : null;
    this.suffix = name?.startsWith('*.') ? name.slice(1) : null;
    if (this.exactName !== null) rank = RANK_HOSTNAME;
    if (this.suffix !== null) rank = RANK_WILDCARD + this.suffix.split('.').length;
    this.family = family;
    this.network = network;
    this.shift = shift;
    this.addressRank = rank;
    this.portRank = target.ports === null ? 0 : 1;
    this.protocolRank = target.protocol === 'any' ? 0 : 1;
    this.ports = target.ports === null ? null : Uint16Array.from(target.ports.flatMap((r) => [r.from, r.to]));
  }

  matches(flow: FlowKey): boolean {
    const t = this.target;
    if (t.protocol !== 'any' && t.protocol !== flow.protocol) return false;
    if (this.ports !== null && !this.matchesPort(flow.port)) return false;
    if (this.family !== 0) {
      const a = flow.address;
      if (a === null || a.family !== this.family || a.value >> this.shift !== this.network) return false;
    }
    if (this.exactName !== null || this.suffix !== null)
      return flow.hostnames.some((n) => this.matchesHostname(n));
    return true;
  }

  /** Whether `name` (lower-case, no trailing dot) is the hostname or under the wildcard. */
  matchesHostname(name: string): boolean {
    if (this.exactName !== null) return name === this.exactName;
    return this.suffix !== null && name.length > this.suffix.length && name.endsWith(this.suffix);
  }

  get hasHostname(): boolean {
    return this.exactName !== null || this.suffix !== null;
  }

  private matchesPort(port: number): boolean {
    const ports = this.ports!;
    for (let i = 0; i < ports.length; i += 2) if (port >= ports[i]! && port <= ports[i + 1]!) return true;
    return false;
  }
}
