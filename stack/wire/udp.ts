// UDP header (RFC 768; over IPv6, RFC 8200 section 8.1: the checksum is mandatory).

import { readU16, writeU16 } from './bytes.js';
import { verifyChecksum, writeChecksum } from './checksum.js';

export const UDP_HEADER_LENGTH = 8;
export const UDP_CHECKSUM_OFFSET = 6;

export interface UdpRepr {
  srcPort: number;
  dstPort: number;
  /** The checksum field as received; 0 = none (IPv4 only). */
  checksum: number;
  payloadOffset: number;
  payloadLength: number;
}

export function newUdpRepr(): UdpRepr {
  return { srcPort: 0, dstPort: 0, checksum: 0, payloadOffset: 0, payloadLength: 0 };
}

export function udpSrcPort(buf: Uint8Array, off: number): number {
  return readU16(buf, off);
}

export function udpDstPort(buf: Uint8Array, off: number): number {
  return readU16(buf, off + 2);
}

/**
 * Parses the datagram at `buf[off, off+len)` (len = IP payload length). The UDP length field
 * must fit in `len`; bytes beyond it are ignored. Returns true or an error string; never throws.
 */
export function parseUdp(buf: Uint8Array, off: number, len: number, repr: UdpRepr): boolean | string {
  if (len < UDP_HEADER_LENGTH || off < 0 || off + len > buf.length) return 'udp: truncated header';
  const length = readU16(buf, off + 4);
  if (length < UDP_HEADER_LENGTH) return 'udp: bad length';
  if (length > len) return 'udp: truncated datagram';
  repr.srcPort = readU16(buf, off);
  repr.dstPort = readU16(buf, off + 2);
  repr.checksum = readU16(buf, off + 6);
  repr.payloadOffset = off + UDP_HEADER_LENGTH;
  repr.payloadLength = length - UDP_HEADER_LENGTH;
  return true;
}

/** Writes the 8-byte header, length = 8 + repr.payloadLength, checksum field zero. Returns 8. */
export function emitUdp(repr: UdpRepr, buf: Uint8Array, off: number): number {
  writeU16(buf, off, repr.srcPort);
  writeU16(buf, off + 2, repr.dstPort);
  writeU16(buf, off + 4, UDP_HEADER_LENGTH + repr.payloadLength);
  writeU16(buf, off + 6, 0);
  return UDP_HEADER_LENGTH;
}

/**
 * Checks the datagram `buf[off, off+len)` (len = UDP length) against a pseudo-header sum. A zero
 * field means "no checksum": accepted over IPv4, rejected over IPv6.
 */
export function udpChecksumValid(
  buf: Uint8Array,
  off: number,
  len: number,
  pseudoSum: number,
  ipv6: boolean,
): boolean {
  if (readU16(buf, off + UDP_CHECKSUM_OFFSET) === 0) return !ipv6;
  return verifyChecksum(buf, off, len, pseudoSum);
}

/** Fills the checksum; a computed zero is sent as 0xffff, since zero means "none". */
export function fillUdpChecksum(buf: Uint8Array, off: number, len: number, pseudoSum: number): number {
  const value = writeChecksum(buf, off, len, off + UDP_CHECKSUM_OFFSET, pseudoSum);
  if (value !== 0) return value;
  writeU16(buf, off + UDP_CHECKSUM_OFFSET, 0xffff);
  return 0xffff;
}
