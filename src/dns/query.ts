import { decode, type OptAnswer } from 'dns-packet';
import { readU16 } from '../../stack/wire/bytes.js';

// RFC 1035 4.1.1 header layout and the flag bits faultnet reads or sets.
export const HEADER_SIZE = 12;
export const FLAG_QR = 0x8000;
export const OPCODE_MASK = 0x7800;
export const FLAG_AA = 0x0400;
export const FLAG_TC = 0x0200;
export const FLAG_RD = 0x0100;
export const FLAG_RA = 0x0080;
export const FLAG_CD = 0x0010;
export const RCODE_MASK = 0x000f;

export const RCODE_FORMERR = 1;
export const RCODE_SERVFAIL = 2;
export const RCODE_NXDOMAIN = 3;
export const RCODE_NOTIMP = 4;
export const RCODE_REFUSED = 5;

/** The largest UDP answer for a client that does not announce an EDNS buffer size (RFC 1035 4.2.1). */
export const CLASSIC_UDP_LIMIT = 512;

/** A query faultnet has accepted: exactly one question, opcode QUERY. */
export interface DnsQuery {
  /** The message as the client sent it. */
  readonly bytes: Uint8Array;
  readonly id: number;
  readonly flags: number;
  /** Offset just past the question section, so answers can echo the question byte for byte. */
  readonly questionEnd: number;
  /** Lower case, no trailing dot; `.` for the root. */
  readonly name: string;
  /** The name as the client spelled it (clients that randomise case expect it back). */
  readonly spelledName: string;
  /** dns-packet's name for the type: `A`, `AAAA`, ..., `UNKNOWN_65280`. */
  readonly type: string;
  readonly edns: boolean;
  /** The largest response the client accepts over UDP. */
  readonly udpLimit: number;
}

/**
 * Reads a query. Returns the rcode of a header-only error answer (FORMERR, NOTIMP) when the header
 * is readable but the rest is not acceptable, or null when the message must be dropped: too short
 * for a header, or a response (answering responses could loop between two resolvers).
 */
export function parseQuery(bytes: Uint8Array): DnsQuery | number | null {
  if (bytes.length < HEADER_SIZE) return null;
  const flags = readU16(bytes, 2);
  if ((flags & FLAG_QR) !== 0) return null;
  if ((flags & OPCODE_MASK) !== 0) return RCODE_NOTIMP;
  // RFC 9619: a query carries exactly one question.
  if (readU16(bytes, 4) !== 1) return RCODE_FORMERR;
  const questionEnd = questionSectionEnd(bytes);
  if (questionEnd < 0) return RCODE_FORMERR;
  let packet: ReturnType<typeof decode>;
  try {
    packet = decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch {
    return RCODE_FORMERR;
  }
  const question = packet.questions?.[0];
  if (question === undefined) return RCODE_FORMERR;
  const opt = packet.additionals?.find((record): record is OptAnswer => record.type === 'OPT');
  const name = question.name.toLowerCase();
  return {
    bytes,
    id: readU16(bytes, 0),
    flags,
    questionEnd,
    name: name.length > 1 && name.endsWith('.') ? name.slice(0, -1) : name,
    spelledName: question.name,
    type: question.type,
    edns: opt !== undefined,
    udpLimit: opt === undefined ? CLASSIC_UDP_LIMIT : Math.max(CLASSIC_UDP_LIMIT, opt.udpPayloadSize),
  };
}

/** The offset after the first question, or -1 when it runs past the message. */
function questionSectionEnd(bytes: Uint8Array): number {
  let at = HEADER_SIZE;
  while (at < bytes.length) {
    const len = bytes[at]!;
    if (len === 0) return at + 5 <= bytes.length ? at + 5 : -1;
    // A compression pointer ends the name; labels longer than 63 use reserved bit patterns.
    if ((len & 0xc0) === 0xc0) return at + 6 <= bytes.length ? at + 6 : -1;
    if (len > 63) return -1;
    at += 1 + len;
  }
  return -1;
}

/** Whether `response` answers the question of `query` (names compared case-insensitively). */
export function answersQuestion(query: DnsQuery, response: Uint8Array): boolean {
  if (response.length < query.questionEnd || readU16(response, 4) !== 1) return false;
  const nameEnd = query.questionEnd - 4;
  for (let i = HEADER_SIZE; i < nameEnd; i++) {
    if (asciiLower(response[i]!) !== asciiLower(query.bytes[i]!)) return false;
  }
  for (let i = nameEnd; i < query.questionEnd; i++) {
    if (response[i] !== query.bytes[i]) return false;
  }
  return true;
}

function asciiLower(byte: number): number {
  return byte >= 0x41 && byte <= 0x5a ? byte | 0x20 : byte;
}
