// TCP header (RFC 9293) with the options a modern peer negotiates: MSS, window scale (RFC 7323),
// SACK-permitted and SACK blocks (RFC 2018), timestamps (RFC 7323).

import { readU16, readU32, writeU16, writeU32 } from './bytes.js';
import { verifyChecksum, writeChecksum } from './checksum.js';

export const TcpFlags = {
  FIN: 0x01,
  SYN: 0x02,
  RST: 0x04,
  PSH: 0x08,
  ACK: 0x10,
  URG: 0x20,
  ECE: 0x40,
  CWR: 0x80,
} as const;

export const TCP_HEADER_LENGTH = 20;
export const TCP_MAX_OPTIONS_LENGTH = 40;
export const TCP_CHECKSUM_OFFSET = 16;
export const TCP_MAX_SACK_BLOCKS = 4;
/** RFC 7323 section 2.3: larger shifts are treated as 14. */
export const TCP_MAX_WINDOW_SCALE = 14;

const OPT_END = 0;
const OPT_NOP = 1;
const OPT_MSS = 2;
const OPT_WINDOW_SCALE = 3;
const OPT_SACK_PERMITTED = 4;
const OPT_SACK = 5;
const OPT_TIMESTAMP = 8;

export interface TcpSackBlock {
  left: number;
  right: number;
}

export interface TcpRepr {
  srcPort: number;
  dstPort: number;
  /** u32 as a non-negative number. */
  seq: number;
  ack: number;
  /** TcpFlags bits. */
  flags: number;
  /** Raw 16-bit field, unscaled. */
  window: number;
  urgent: number;
  /** 0 = option absent. */
  mss: number;
  /** -1 = option absent, else 0..14. */
  windowScale: number;
  sackPermitted: boolean;
  /** Valid entries at the front of `sack`. */
  sackCount: number;
  /** Always length 4, reused between parses. */
  sack: TcpSackBlock[];
  hasTimestamp: boolean;
  tsVal: number;
  tsEcr: number;
  /** Offset into the buffer given to parseTcp. */
  payloadOffset: number;
  payloadLength: number;
}

export function newTcpRepr(): TcpRepr {
  const sack: TcpSackBlock[] = [];
  for (let i = 0; i < TCP_MAX_SACK_BLOCKS; i++) sack.push({ left: 0, right: 0 });
  return {
    srcPort: 0,
    dstPort: 0,
    seq: 0,
    ack: 0,
    flags: 0,
    window: 0,
    urgent: 0,
    mss: 0,
    windowScale: -1,
    sackPermitted: false,
    sackCount: 0,
    sack,
    hasTimestamp: false,
    tsVal: 0,
    tsEcr: 0,
    payloadOffset: 0,
    payloadLength: 0,
  };
}

export function tcpSrcPort(buf: Uint8Array, off: number): number {
  return readU16(buf, off);
}

export function tcpDstPort(buf: Uint8Array, off: number): number {
  return readU16(buf, off + 2);
}

/** Header length from the data offset field; the caller must have checked 13 bytes exist. */
export function tcpDataOffset(buf: Uint8Array, off: number): number {
  return (buf[off + 12]! >>> 4) * 4;
}

function parseOptions(buf: Uint8Array, start: number, end: number, repr: TcpRepr): true | string {
  let i = start;
  while (i < end) {
    const kind = buf[i]!;
    if (kind === OPT_END) break;
    if (kind === OPT_NOP) {
      i++;
      continue;
    }
    if (i + 1 >= end) return 'tcp: option length missing';
    const len = buf[i + 1]!;
    if (len < 2 || i + len > end) return 'tcp: bad option length';
    switch (kind) {
      case OPT_MSS:
        if (len !== 4) return 'tcp: bad MSS option length';
        repr.mss = readU16(buf, i + 2);
        break;
      case OPT_WINDOW_SCALE:
        if (len !== 3) return 'tcp: bad window scale option length';
        repr.windowScale = Math.min(buf[i + 2]!, TCP_MAX_WINDOW_SCALE);
        break;
      case OPT_SACK_PERMITTED:
        if (len !== 2) return 'tcp: bad SACK-permitted option length';
        repr.sackPermitted = true;
        break;
      case OPT_SACK: {
        const blocks = (len - 2) >>> 3;
        if ((len - 2) % 8 !== 0 || blocks === 0 || blocks > TCP_MAX_SACK_BLOCKS) {
          return 'tcp: bad SACK option length';
        }
        for (let b = 0; b < blocks; b++) {
          const block = repr.sack[b]!;
          block.left = readU32(buf, i + 2 + b * 8);
          block.right = readU32(buf, i + 6 + b * 8);
        }
        repr.sackCount = blocks;
        break;
      }
      case OPT_TIMESTAMP:
        if (len !== 10) return 'tcp: bad timestamp option length';
        repr.hasTimestamp = true;
        repr.tsVal = readU32(buf, i + 2);
        repr.tsEcr = readU32(buf, i + 6);
        break;
      default:
        break;
    }
    i += len;
  }
  return true;
}

/**
 * Parses the segment `buf[off, off+len)` (len = IP payload length) into `repr`. Returns true or
 * an error string; never throws. Checksums are checked separately with tcpChecksumValid.
 */
export function parseTcp(buf: Uint8Array, off: number, len: number, repr: TcpRepr): boolean | string {
  if (len < TCP_HEADER_LENGTH || off < 0 || off + len > buf.length) return 'tcp: truncated header';
  const headerLength = tcpDataOffset(buf, off);
  if (headerLength < TCP_HEADER_LENGTH) return 'tcp: bad data offset';
  if (headerLength > len) return 'tcp: truncated options';
  repr.srcPort = readU16(buf, off);
  repr.dstPort = readU16(buf, off + 2);
  repr.seq = readU32(buf, off + 4);
  repr.ack = readU32(buf, off + 8);
  repr.flags = buf[off + 13]!;
  repr.window = readU16(buf, off + 14);
  repr.urgent = readU16(buf, off + 18);
  repr.mss = 0;
  repr.windowScale = -1;
  repr.sackPermitted = false;
  repr.sackCount = 0;
  repr.hasTimestamp = false;
  repr.tsVal = 0;
  repr.tsEcr = 0;
  const options = parseOptions(buf, off + TCP_HEADER_LENGTH, off + headerLength, repr);
  if (options !== true) return options;
  repr.payloadOffset = off + headerLength;
  repr.payloadLength = len - headerLength;
  return true;
}

function timestampAndSackPermittedLength(repr: TcpRepr): number {
  // SACK-permitted rides in the two bytes a lone timestamp option would pad with NOPs.
  if (repr.hasTimestamp) return 12;
  return repr.sackPermitted ? 4 : 0;
}

function optionsBeforeSackLength(repr: TcpRepr): number {
  return (repr.mss > 0 ? 4 : 0) + (repr.windowScale >= 0 ? 4 : 0) + timestampAndSackPermittedLength(repr);
}

/** SACK blocks emitTcp writes: as many of `sackCount` as fit beside the other options. */
export function tcpSackBlocksToEmit(repr: TcpRepr): number {
  if (repr.sackCount <= 0) return 0;
  const room = TCP_MAX_OPTIONS_LENGTH - optionsBeforeSackLength(repr) - 4;
  return Math.max(0, Math.min(repr.sackCount, TCP_MAX_SACK_BLOCKS, room >> 3));
}

/** 20 + options, a multiple of 4. */
export function tcpHeaderLength(repr: TcpRepr): number {
  const sack = tcpSackBlocksToEmit(repr);
  return TCP_HEADER_LENGTH + optionsBeforeSackLength(repr) + (sack > 0 ? 4 + sack * 8 : 0);
}

/**
 * Writes header and options at `off` (not the payload, checksum field zero); returns the header
 * length. Option layout: MSS, NOP+WS, [SACK-permitted or NOP NOP]+timestamps (or NOP NOP
 * SACK-permitted alone), NOP NOP+SACK.
 */
export function emitTcp(repr: TcpRepr, buf: Uint8Array, off: number): number {
  const headerLength = tcpHeaderLength(repr);
  writeU16(buf, off, repr.srcPort);
  writeU16(buf, off + 2, repr.dstPort);
  writeU32(buf, off + 4, repr.seq);
  writeU32(buf, off + 8, repr.ack);
  buf[off + 12] = (headerLength >>> 2) << 4;
  buf[off + 13] = repr.flags;
  writeU16(buf, off + 14, repr.window);
  writeU16(buf, off + 16, 0);
  writeU16(buf, off + 18, repr.urgent);
  let i = off + TCP_HEADER_LENGTH;
  if (repr.mss > 0) {
    buf[i] = OPT_MSS;
    buf[i + 1] = 4;
    writeU16(buf, i + 2, repr.mss);
    i += 4;
  }
  if (repr.windowScale >= 0) {
    buf[i] = OPT_NOP;
    buf[i + 1] = OPT_WINDOW_SCALE;
    buf[i + 2] = 3;
    buf[i + 3] = Math.min(repr.windowScale, TCP_MAX_WINDOW_SCALE);
    i += 4;
  }
  if (repr.hasTimestamp) {
    if (repr.sackPermitted) {
      buf[i] = OPT_SACK_PERMITTED;
      buf[i + 1] = 2;
    } else {
      buf[i] = OPT_NOP;
      buf[i + 1] = OPT_NOP;
    }
    buf[i + 2] = OPT_TIMESTAMP;
    buf[i + 3] = 10;
    writeU32(buf, i + 4, repr.tsVal);
    writeU32(buf, i + 8, repr.tsEcr);
    i += 12;
  } else if (repr.sackPermitted) {
    buf[i] = OPT_NOP;
    buf[i + 1] = OPT_NOP;
    buf[i + 2] = OPT_SACK_PERMITTED;
    buf[i + 3] = 2;
    i += 4;
  }
  const blocks = tcpSackBlocksToEmit(repr);
  if (blocks > 0) {
    buf[i] = OPT_NOP;
    buf[i + 1] = OPT_NOP;
    buf[i + 2] = OPT_SACK;
    buf[i + 3] = 2 + blocks * 8;
    i += 4;
    for (let b = 0; b < blocks; b++) {
      const block = repr.sack[b]!;
      writeU32(buf, i, block.left);
      writeU32(buf, i + 4, block.right);
      i += 8;
    }
  }
  return headerLength;
}

/**
 * Fills the checksum of the segment `buf[off, off+len)` given the pseudo-header sum
 * (pseudoHeaderSumV4/V6 with protocol 6 and length `len`); returns the stored value.
 */
export function fillTcpChecksum(buf: Uint8Array, off: number, len: number, pseudoSum: number): number {
  return writeChecksum(buf, off, len, off + TCP_CHECKSUM_OFFSET, pseudoSum);
}

export function tcpChecksumValid(buf: Uint8Array, off: number, len: number, pseudoSum: number): boolean {
  return verifyChecksum(buf, off, len, pseudoSum);
}
