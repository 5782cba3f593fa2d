// IPv4 header (RFC 791). Options are accepted on parse and skipped; emit writes a plain 20-byte
// header.

import { readU16, readU32, writeU16, writeU32 } from './bytes.js';
import { verifyChecksum, writeChecksum } from './checksum.js';

export const IPV4_HEADER_LENGTH = 20;
export const IPV4_CHECKSUM_OFFSET = 10;

export interface Ipv4Repr {
  /** Addresses as u32 (non-negative), network order. */
  src: number;
  dst: number;
  protocol: number;
  ttl: number;
  ident: number;
  dontFragment: boolean;
  moreFragments: boolean;
  /** In bytes (the field times 8). */
  fragmentOffset: number;
  dscp: number;
  ecn: number;
  /** Parse: from the IHL field. Emit always writes 20. */
  headerLength: number;
  totalLength: number;
  payloadOffset: number;
  payloadLength: number;
}

export function newIpv4Repr(): Ipv4Repr {
  return {
    src: 0,
    dst: 0,
    protocol: 0,
    ttl: 64,
    ident: 0,
    dontFragment: false,
    moreFragments: false,
    fragmentOffset: 0,
    dscp: 0,
    ecn: 0,
    headerLength: IPV4_HEADER_LENGTH,
    totalLength: IPV4_HEADER_LENGTH,
    payloadOffset: 0,
    payloadLength: 0,
  };
}

/** The IP version nibble of any packet; 0 when the buffer is empty. */
export function ipVersion(buf: Uint8Array, off: number): number {
  return off < buf.length ? buf[off]! >>> 4 : 0;
}

export function ipv4Src(buf: Uint8Array, off: number): number {
  return readU32(buf, off + 12);
}

export function ipv4Dst(buf: Uint8Array, off: number): number {
  return readU32(buf, off + 16);
}

export function ipv4Protocol(buf: Uint8Array, off: number): number {
  return buf[off + 9]!;
}

export function ipv4HeaderChecksumValid(buf: Uint8Array, off: number, headerLength: number): boolean {
  return verifyChecksum(buf, off, headerLength);
}

export function fillIpv4HeaderChecksum(buf: Uint8Array, off: number, headerLength: number): number {
  return writeChecksum(buf, off, headerLength, off + IPV4_CHECKSUM_OFFSET);
}

/**
 * Parses the packet at `buf[off, off+len)`. Bytes after the total length (link padding) are
 * ignored. Returns true or an error string; never throws.
 */
export function parseIpv4(
  buf: Uint8Array,
  off: number,
  len: number,
  repr: Ipv4Repr,
  verifyHeaderChecksum = true,
): boolean | string {
  if (len < IPV4_HEADER_LENGTH || off < 0 || off + len > buf.length) return 'ipv4: truncated header';
  const versionIhl = buf[off]!;
  if (versionIhl >>> 4 !== 4) return 'ipv4: not version 4';
  const headerLength = (versionIhl & 0x0f) * 4;
  if (headerLength < IPV4_HEADER_LENGTH) return 'ipv4: bad header length';
  if (headerLength > len) return 'ipv4: truncated options';
  const totalLength = readU16(buf, off + 2);
  if (totalLength < headerLength) return 'ipv4: total length below header length';
  if (totalLength > len) return 'ipv4: truncated packet';
  if (verifyHeaderChecksum && !verifyChecksum(buf, off, headerLength)) return 'ipv4: bad header checksum';
  const tos = buf[off + 1]!;
  const fragment = readU16(buf, off + 6);
  repr.dscp = tos >>> 2;
  repr.ecn = tos & 3;
  repr.ident = readU16(buf, off + 4);
  repr.dontFragment = (fragment & 0x4000) !== 0;
  repr.moreFragments = (fragment & 0x2000) !== 0;
  repr.fragmentOffset = (fragment & 0x1fff) * 8;
  repr.ttl = buf[off + 8]!;
  repr.protocol = buf[off + 9]!;
  repr.src = readU32(buf, off + 12);
  repr.dst = readU32(buf, off + 16);
  repr.headerLength = headerLength;
  repr.totalLength = totalLength;
  repr.payloadOffset = off + headerLength;
  repr.payloadLength = totalLength - headerLength;
  return true;
}

/** True for any fragment, first included: the upper-layer header alone is not the whole datagram. */
export function ipv4IsFragment(repr: Ipv4Repr): boolean {
  return repr.moreFragments || repr.fragmentOffset !== 0;
}

/**
 * Writes a 20-byte header with its checksum; total length = 20 + repr.payloadLength. Returns 20.
 */
export function emitIpv4(repr: Ipv4Repr, buf: Uint8Array, off: number): number {
  buf[off] = 0x45;
  buf[off + 1] = (repr.dscp << 2) | (repr.ecn & 3);
  writeU16(buf, off + 2, IPV4_HEADER_LENGTH + repr.payloadLength);
  writeU16(buf, off + 4, repr.ident);
  writeU16(
    buf,
    off + 6,
    (repr.dontFragment ? 0x4000 : 0) |
      (repr.moreFragments ? 0x2000 : 0) |
      ((repr.fragmentOffset >>> 3) & 0x1fff),
  );
  buf[off + 8] = repr.ttl;
  buf[off + 9] = repr.protocol;
  writeU32(buf, off + 12, repr.src);
  writeU32(buf, off + 16, repr.dst);
  fillIpv4HeaderChecksum(buf, off, IPV4_HEADER_LENGTH);
  return IPV4_HEADER_LENGTH;
}

/** Pseudo-header sum for an upper-layer checksum over `length` bytes carried by this header. */
export function ipv4PseudoHeaderSum(repr: Ipv4Repr, length: number): number {
  return (
    (repr.src >>> 16) +
    (repr.src & 0xffff) +
    (repr.dst >>> 16) +
    (repr.dst & 0xffff) +
    repr.protocol +
    (length & 0xffff)
  );
}
