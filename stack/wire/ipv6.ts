// IPv6 fixed header and extension-header chain (RFC 8200). Parse walks hop-by-hop, routing,
// fragment, destination options and AH headers to the upper-layer protocol; emit writes the fixed
// header only.

import { copyBytes, readU16, readU32, writeU16 } from './bytes.js';
import { pseudoHeaderSumV6 } from './checksum.js';
import { IpProtocol } from './ip-protocol.js';

export const IPV6_HEADER_LENGTH = 40;
const FRAGMENT_HEADER_LENGTH = 8;

export interface Ipv6Repr {
  /** 16 bytes each, owned by the repr: parse copies the addresses in. */
  src: Uint8Array;
  dst: Uint8Array;
  trafficClass: number;
  flowLabel: number;
  hopLimit: number;
  /** The upper-layer protocol after all extension headers; 59 = no next header. */
  nextHeader: number;
  /** Upper-layer data: offset into the parsed buffer, and length. */
  payloadOffset: number;
  payloadLength: number;
  /** Bytes of extension headers between the fixed header and the payload (parse only). */
  extensionLength: number;
  hasFragmentHeader: boolean;
  /** In bytes. */
  fragmentOffset: number;
  moreFragments: boolean;
  fragmentIdent: number;
}

export function newIpv6Repr(): Ipv6Repr {
  return {
    src: new Uint8Array(16),
    dst: new Uint8Array(16),
    trafficClass: 0,
    flowLabel: 0,
    hopLimit: 64,
    nextHeader: IpProtocol.IPV6_NO_NEXT_HEADER,
    payloadOffset: 0,
    payloadLength: 0,
    extensionLength: 0,
    hasFragmentHeader: false,
    fragmentOffset: 0,
    moreFragments: false,
    fragmentIdent: 0,
  };
}

/** The next-header field of the fixed header (the first header of the chain). */
export function ipv6FirstNextHeader(buf: Uint8Array, off: number): number {
  return buf[off + 6]!;
}

/** Offset of the source address; the destination follows 16 bytes later. */
export const IPV6_SRC_OFFSET = 8;
export const IPV6_DST_OFFSET = 24;

function isWalkedExtensionHeader(next: number): boolean {
  return (
    next === IpProtocol.HOP_BY_HOP ||
    next === IpProtocol.IPV6_ROUTING ||
    next === IpProtocol.IPV6_DESTINATION_OPTIONS ||
    next === IpProtocol.IPV6_FRAGMENT ||
    next === IpProtocol.AH
  );
}

// Needs the first two bytes of the header in bounds.
function extensionHeaderLength(next: number, buf: Uint8Array, at: number): number {
  switch (next) {
    case IpProtocol.HOP_BY_HOP:
    case IpProtocol.IPV6_ROUTING:
    case IpProtocol.IPV6_DESTINATION_OPTIONS:
      return (buf[at + 1]! + 1) * 8;
    case IpProtocol.IPV6_FRAGMENT:
      return FRAGMENT_HEADER_LENGTH;
    default:
      // AH (RFC 4302) counts 4-byte units, minus 2.
      return (buf[at + 1]! + 2) * 4;
  }
}

/**
 * Parses the packet at `buf[off, off+len)`; bytes after the payload length (link padding) are
 * ignored. A non-first fragment stops the walk at its fragment header. Returns true or an error
 * string; never throws. Jumbograms are not supported.
 */
export function parseIpv6(buf: Uint8Array, off: number, len: number, repr: Ipv6Repr): boolean | string {
  if (len < IPV6_HEADER_LENGTH || off < 0 || off + len > buf.length) return 'ipv6: truncated header';
  const word = readU32(buf, off);
  if (word >>> 28 !== 6) return 'ipv6: not version 6';
  const declared = readU16(buf, off + 4);
  if (IPV6_HEADER_LENGTH + declared > len) return 'ipv6: truncated packet';
  const end = off + IPV6_HEADER_LENGTH + declared;
  repr.trafficClass = (word >>> 20) & 0xff;
  repr.flowLabel = word & 0xfffff;
  repr.hopLimit = buf[off + 7]!;
  copyBytes(buf, off + IPV6_SRC_OFFSET, repr.src, 0, 16);
  copyBytes(buf, off + IPV6_DST_OFFSET, repr.dst, 0, 16);
  repr.hasFragmentHeader = false;
  repr.fragmentOffset = 0;
  repr.moreFragments = false;
  repr.fragmentIdent = 0;

  let next = buf[off + 6]!;
  let at = off + IPV6_HEADER_LENGTH;
  for (;;) {
    if (next === IpProtocol.IPV6_NO_NEXT_HEADER) break;
    if (next === IpProtocol.HOP_BY_HOP && at !== off + IPV6_HEADER_LENGTH) {
      return 'ipv6: hop-by-hop header not first';
    }
    if (!isWalkedExtensionHeader(next)) break;
    if (at + 2 > end) return 'ipv6: truncated extension header';
    const length = extensionHeaderLength(next, buf, at);
    if (at + length > end) return 'ipv6: truncated extension header';
    const following = buf[at]!;
    if (next === IpProtocol.IPV6_FRAGMENT) {
      if (repr.hasFragmentHeader) return 'ipv6: more than one fragment header';
      const field = readU16(buf, at + 2);
      repr.hasFragmentHeader = true;
      repr.fragmentOffset = field & 0xfff8;
      repr.moreFragments = (field & 1) !== 0;
      repr.fragmentIdent = readU32(buf, at + 4);
      next = following;
      at += length;
      if (repr.fragmentOffset !== 0) break;
      continue;
    }
    next = following;
    at += length;
  }
  repr.nextHeader = next;
  repr.extensionLength = at - off - IPV6_HEADER_LENGTH;
  repr.payloadOffset = at;
  repr.payloadLength = end - at;
  return true;
}

/** True for any fragment, first included. */
export function ipv6IsFragment(repr: Ipv6Repr): boolean {
  return repr.hasFragmentHeader && (repr.moreFragments || repr.fragmentOffset !== 0);
}

/**
 * Writes the 40-byte fixed header, next header = repr.nextHeader and payload length =
 * repr.payloadLength (no extension headers). Returns 40.
 */
export function emitIpv6(repr: Ipv6Repr, buf: Uint8Array, off: number): number {
  const tc = repr.trafficClass & 0xff;
  buf[off] = 0x60 | (tc >>> 4);
  buf[off + 1] = ((tc & 0x0f) << 4) | ((repr.flowLabel >>> 16) & 0x0f);
  writeU16(buf, off + 2, repr.flowLabel & 0xffff);
  writeU16(buf, off + 4, repr.payloadLength);
  buf[off + 6] = repr.nextHeader;
  buf[off + 7] = repr.hopLimit;
  copyBytes(repr.src, 0, buf, off + IPV6_SRC_OFFSET, 16);
  copyBytes(repr.dst, 0, buf, off + IPV6_DST_OFFSET, 16);
  return IPV6_HEADER_LENGTH;
}

/** Pseudo-header sum for an upper-layer checksum over `length` bytes of protocol repr.nextHeader. */
export function ipv6PseudoHeaderSum(repr: Ipv6Repr, length: number): number {
  return pseudoHeaderSumV6(repr.src, 0, repr.dst, 0, repr.nextHeader, length);
}
