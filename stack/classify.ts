import { IpProtocol } from './wire/ip-protocol.js';
import { ipv4IsFragment, newIpv4Repr, parseIpv4 } from './wire/ipv4.js';
import { IPV6_DST_OFFSET, IPV6_SRC_OFFSET, ipv6IsFragment, newIpv6Repr, parseIpv6 } from './wire/ipv6.js';

/** What the router needs of any packet: family, protocol, where the addresses are, the ports. */
export interface PacketInfo {
  family: 4 | 6;
  protocol: number;
  /** Offsets of the source and destination addresses in the buffer (4 or 16 bytes). */
  srcOffset: number;
  dstOffset: number;
  addressLength: number;
  /** Upper-layer header and data. */
  l4Offset: number;
  l4Length: number;
  /** TCP/UDP ports; for ICMP echo the identifier as both; 0 otherwise. */
  srcPort: number;
  dstPort: number;
  /** A fragment of a larger datagram (ports unknown for non-first fragments). */
  fragment: boolean;
  /** For a fragment: its identification, its offset in bytes, and whether more follow. */
  fragmentIdent: number;
  fragmentOffset: number;
  moreFragments: boolean;
}

export function newPacketInfo(): PacketInfo {
  return {
    family: 4,
    protocol: 0,
    srcOffset: 0,
    dstOffset: 0,
    addressLength: 4,
    l4Offset: 0,
    l4Length: 0,
    srcPort: 0,
    dstPort: 0,
    fragment: false,
    fragmentIdent: 0,
    fragmentOffset: 0,
    moreFragments: false,
  };
}

const v4 = newIpv4Repr();
const v6 = newIpv6Repr();

/**
 * Fills `info` from the IP packet at `buf[off, off+len)`. Returns true, or an error string for
 * anything malformed; never throws.
 */
export function classifyPacket(
  buf: Uint8Array,
  off: number,
  len: number,
  info: PacketInfo,
  verifyHeaderChecksum = true,
): true | string {
  if (len < 1) return 'empty packet';
  const version = buf[off]! >>> 4;
  if (version === 4) {
    const r = parseIpv4(buf, off, len, v4, verifyHeaderChecksum);
    if (r !== true) return r || 'malformed';
    info.family = 4;
    info.protocol = v4.protocol;
    info.srcOffset = off + 12;
    info.dstOffset = off + 16;
    info.addressLength = 4;
    info.l4Offset = v4.payloadOffset;
    info.l4Length = v4.payloadLength;
    info.fragment = ipv4IsFragment(v4);
    info.fragmentIdent = v4.ident;
    info.fragmentOffset = v4.fragmentOffset;
    info.moreFragments = v4.moreFragments;
    return readPorts(buf, info, v4.fragmentOffset !== 0);
  }
  if (version === 6) {
    const r = parseIpv6(buf, off, len, v6);
    if (r !== true) return r || 'malformed';
    info.family = 6;
    info.protocol = v6.nextHeader;
    info.srcOffset = off + IPV6_SRC_OFFSET;
    info.dstOffset = off + IPV6_DST_OFFSET;
    info.addressLength = 16;
    info.l4Offset = v6.payloadOffset;
    info.l4Length = v6.payloadLength;
    info.fragment = ipv6IsFragment(v6);
    info.fragmentIdent = v6.fragmentIdent;
    info.fragmentOffset = v6.fragmentOffset;
    info.moreFragments = v6.moreFragments;
    return readPorts(buf, info, v6.fragmentOffset !== 0);
  }
  return 'not IPv4 or IPv6';
}

function readPorts(buf: Uint8Array, info: PacketInfo, laterFragment: boolean): true | string {
  info.srcPort = 0;
  info.dstPort = 0;
  if (laterFragment) return true;
  const at = info.l4Offset;
  switch (info.protocol) {
    case IpProtocol.TCP:
    case IpProtocol.UDP:
      if (info.l4Length < 4) return 'truncated transport header';
      info.srcPort = (buf[at]! << 8) | buf[at + 1]!;
      info.dstPort = (buf[at + 2]! << 8) | buf[at + 3]!;
      return true;
    case IpProtocol.ICMP:
    case IpProtocol.ICMPV6:
      if (info.l4Length < 8) return 'truncated icmp header';
      info.srcPort = info.dstPort = (buf[at + 4]! << 8) | buf[at + 5]!;
      return true;
    default:
      return true;
  }
}
