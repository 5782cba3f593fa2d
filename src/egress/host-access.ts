import { networkInterfaces } from 'node:os';
import { parseIpv4Address, parseIpv6Address } from '../../stack/wire/address.js';
import { canonicalAddress } from '../dns/address.js';

/** Addresses remembered per family before the memory starts again. */
const MAX_DECIDED = 4096;

export interface HostAccessOptions {
  /** The gateway addresses reach the host's loopback (else they reach nothing). */
  hostLoopback: boolean;
  /** Addresses other than the gateway are dialled for real (else only the gateway is reachable). */
  hostNetwork: boolean;
  gateway4: string;
  gateway6: string;
  dns4: string;
  dns6: string;
}

/**
 * Decides what a destination the namespace dialled means on the host, for TCP and UDP alike. The
 * gateway is the only door to the host itself: loopback, unspecified, link-local, multicast and
 * IPv4-mapped addresses are refused in every spelling (a root program can write any packet into
 * tun0), the DNS address is never dialled for real, and without host loopback the host's own
 * interface addresses are refused too, since they reach the same services.
 */
export class HostAccess {
  private readonly ownAddresses: ReadonlySet<string>;
  private readonly bytes = new Uint8Array(16);
  /** Decisions by address, per family: UDP asks for every datagram, and parsing is not free. */
  private readonly decided: [Map<string, string | null>, Map<string, string | null>] = [new Map(), new Map()];

  constructor(private readonly opts: HostAccessOptions) {
    const own = new Set<string>();
    for (const list of Object.values(networkInterfaces())) {
      for (const ni of list ?? []) {
        const a = canonicalAddress(ni.address);
        if (a !== null) own.add(a);
      }
    }
    this.ownAddresses = own;
  }

  /** The address to dial on the host for `address` (canonical text), or null to refuse it. */
  resolve(address: string, family: 4 | 6): string | null {
    const decided = this.decided[family === 4 ? 0 : 1];
    const known = decided.get(address);
    if (known !== undefined) return known;
    if (decided.size >= MAX_DECIDED) decided.clear();
    const target = this.decide(address, family);
    decided.set(address, target);
    return target;
  }

  private decide(address: string, family: 4 | 6): string | null {
    const o = this.opts;
    if (address === (family === 4 ? o.gateway4 : o.gateway6)) {
      return o.hostLoopback ? (family === 4 ? '127.0.0.1' : '::1') : null;
    }
    if (address === (family === 4 ? o.dns4 : o.dns6)) return null;
    if (!o.hostNetwork) return null;
    if (family === 4 ? !this.publicV4(address) : !this.publicV6(address)) return null;
    if (!o.hostLoopback && this.ownAddresses.has(canonicalAddress(address) ?? address)) return null;
    return address;
  }

  /** Not 0/8 (this network), 127/8 (loopback), 169.254/16 (link-local), 224/4 and above (multicast, reserved, broadcast). */
  private publicV4(address: string): boolean {
    const b = this.bytes;
    if (!parseIpv4Address(address, b, 0)) return false;
    return b[0] !== 0 && b[0] !== 127 && !(b[0] === 169 && b[1] === 254) && b[0]! < 224;
  }

  /**
   * Not ::/96 (unspecified, loopback, IPv4-compatible), ::ffff:0:0/96 (IPv4-mapped), fe80::/10
   * (link-local) or ff00::/8 (multicast).
   */
  private publicV6(address: string): boolean {
    const b = this.bytes;
    if (!parseIpv6Address(address, b, 0)) return false;
    let zeros = 0;
    while (zeros < 10 && b[zeros] === 0) zeros++;
    if (zeros === 10 && ((b[10] === 0 && b[11] === 0) || (b[10] === 0xff && b[11] === 0xff))) return false;
    if (b[0] === 0xfe && (b[1]! & 0xc0) === 0x80) return false;
    return b[0] !== 0xff;
  }
}
