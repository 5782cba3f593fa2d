// The 8-byte header ICMPv4 (RFC 792) and ICMPv6 (RFC 4443) share: type, code, checksum, four
// type-specific bytes, then data (echo payload or the quoted offending datagram). The per-family
// files map those four bytes to fields.

import { copyBytes, readU32, writeU32 } from './bytes.js';
import { verifyChecksum, writeChecksum } from './checksum.js';

export const ICMP_HEADER_LENGTH = 8;
export const ICMP_CHECKSUM_OFFSET = 2;

export interface IcmpRepr {
  type: number;
  code: number;
  /** Echo request/reply. */
  ident: number;
  seqNo: number;
  /** Next-hop MTU: ICMPv4 fragmentation needed, ICMPv6 packet too big. */
  mtu: number;
  /** Parameter problem. */
  pointer: number;
  /** The four type-specific bytes as a u32, used as-is for types without named fields. */
  rest: number;
  /** Data after the header: offset into the buffer, and length. */
  dataOffset: number;
  dataLength: number;
}

export function newIcmpRepr(): IcmpRepr {
  return { type: 0, code: 0, ident: 0, seqNo: 0, mtu: 0, pointer: 0, rest: 0, dataOffset: 0, dataLength: 0 };
}

/** Bounds, length and checksum checks; fills type, code, rest and the data range. */
export function parseIcmpHeader(
  buf: Uint8Array,
  off: number,
  len: number,
  repr: IcmpRepr,
  pseudoSum: number,
): boolean | string {
  if (len < ICMP_HEADER_LENGTH || off < 0 || off + len > buf.length) return 'icmp: truncated header';
  if (!verifyChecksum(buf, off, len, pseudoSum)) return 'icmp: bad checksum';
  repr.type = buf[off]!;
  repr.code = buf[off + 1]!;
  repr.rest = readU32(buf, off + 4);
  repr.ident = 0;
  repr.seqNo = 0;
  repr.mtu = 0;
  repr.pointer = 0;
  repr.dataOffset = off + ICMP_HEADER_LENGTH;
  repr.dataLength = len - ICMP_HEADER_LENGTH;
  return true;
}

/**
 * Writes header and `repr.dataLength` bytes of data copied from `data` at `dataOff` (or already in
 * place after the header when `data` is null), then the checksum. Returns the message length.
 */
export function emitIcmpMessage(
  repr: IcmpRepr,
  rest: number,
  buf: Uint8Array,
  off: number,
  data: Uint8Array | null,
  dataOff: number,
  pseudoSum: number,
): number {
  const length = ICMP_HEADER_LENGTH + repr.dataLength;
  if (data !== null) copyBytes(data, dataOff, buf, off + ICMP_HEADER_LENGTH, repr.dataLength);
  buf[off] = repr.type;
  buf[off + 1] = repr.code;
  writeU32(buf, off + 4, rest);
  writeChecksum(buf, off, length, off + ICMP_CHECKSUM_OFFSET, pseudoSum);
  return length;
}

export function echoRest(repr: IcmpRepr): number {
  return ((repr.ident << 16) | (repr.seqNo & 0xffff)) >>> 0;
}

export function readEcho(repr: IcmpRepr): void {
  repr.ident = repr.rest >>> 16;
  repr.seqNo = repr.rest & 0xffff;
}
