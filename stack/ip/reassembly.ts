// IPv4 (RFC 791) and IPv6 (RFC 8200 §4.5) fragment reassembly, bounded in memory, datagrams and
// time. Overlapping fragments discard the whole datagram (RFC 5722, applied to IPv4 too, as Linux
// does); an exact duplicate of a fragment already held is ignored. Pure logic: packets and `now`
// in, whole datagrams and discard counts out.

import { copyBytes, writeU16 } from '../wire/bytes.js';
import { fillIpv4HeaderChecksum, newIpv4Repr, parseIpv4 } from '../wire/ipv4.js';
import {
  IPV6_DST_OFFSET,
  IPV6_HEADER_LENGTH,
  IPV6_SRC_OFFSET,
  newIpv6Repr,
  parseIpv6,
} from '../wire/ipv6.js';

/** Why fragments were thrown away; each counts the fragments it discarded. */
export type ReassemblyDiscard =
  | 'fragmentOverlap'
  | 'fragmentDuplicate'
  | 'fragmentMalformed'
  | 'fragmentTimeout'
  | 'fragmentLimit';

export interface ReassemblyLimits {
  /** Fragment data held at once, over all datagrams; the oldest datagram goes when a new fragment would pass it. */
  maxBytes: number;
  /** Datagrams being reassembled at once; the oldest goes first. */
  maxDatagrams: number;
  /** Fragments one datagram may have (at MTU 1280 a 64 KiB datagram is 54); more discard it. */
  maxFragments: number;
  /** A datagram not complete this long after its first fragment arrived is discarded (Linux: 30 s for IPv4, 60 s for IPv6). */
  timeoutMs4: number;
  timeoutMs6: number;
}

export const DEFAULT_REASSEMBLY_LIMITS: ReassemblyLimits = {
  maxBytes: 4 * 1024 * 1024,
  maxDatagrams: 1024,
  maxFragments: 128,
  timeoutMs4: 30_000,
  timeoutMs6: 60_000,
};

/** IPv4 total length and IPv6 payload length are 16-bit fields. */
const MAX_DATAGRAM = 65_535;
/** What a held fragment costs beyond its data, so that tiny fragments cannot hold unbounded memory. */
const PIECE_OVERHEAD = 64;

interface Piece {
  offset: number;
  data: Uint8Array;
}

interface Partial {
  family: 4 | 6;
  deadline: number;
  pieces: Piece[];
  /** Data bytes held; the memory bound counts PIECE_OVERHEAD more per piece. */
  held: number;
  /** Known once the fragment without "more fragments" arrives. */
  end: number;
  /** The IP header to rebuild from: the first fragment's, or any until it arrives. */
  header: Uint8Array;
  headerFromFirst: boolean;
  /** Upper-layer protocol (IPv6: the next header after the fragment header). */
  protocol: number;
}

const v4 = newIpv4Repr();
const v6 = newIpv6Repr();

/**
 * Names the datagram a fragment belongs to: source, destination, identification, and for IPv4
 * the protocol (RFC 791; RFC 8200 leaves it out).
 */
export function fragmentKey(
  family: 4 | 6,
  buf: Uint8Array,
  srcOff: number,
  dstOff: number,
  protocol: number,
  ident: number,
): string {
  let s = family === 4 ? `4 ${protocol} ${ident} ` : `6 ${ident} `;
  const n = family === 4 ? 4 : 16;
  for (let i = 0; i < n; i++) s += buf[srcOff + i]!.toString(16).padStart(2, '0');
  s += ' ';
  for (let i = 0; i < n; i++) s += buf[dstOff + i]!.toString(16).padStart(2, '0');
  return s;
}

export class Reassembler {
  private readonly partials = new Map<string, Partial>();
  private heldBytes = 0;
  /** How many fragments the datagram `add` last returned was made of. */
  lastFragments = 0;

  constructor(
    private readonly limits: ReassemblyLimits,
    private readonly discard: (cause: ReassemblyDiscard, fragments: number) => void,
  ) {}

  /** Datagrams in progress and the memory their fragments count for. */
  get pending(): { datagrams: number; bytes: number } {
    return { datagrams: this.partials.size, bytes: this.heldBytes };
  }

  /**
   * Takes one fragment: a whole, already validated IP packet. Returns the reassembled datagram
   * as an unfragmented IP packet once the last piece arrives, else null. The result is a fresh
   * buffer; `packet` is only read during the call.
   */
  add(packet: Uint8Array, now: number): Uint8Array | null {
    this.expire(now);
    const version = packet[0]! >>> 4;
    let key: string;
    let family: 4 | 6;
    let offset: number;
    let more: boolean;
    let dataOff: number;
    let dataLen: number;
    let protocol: number;
    let headerLen: number;
    if (version === 4) {
      if (parseIpv4(packet, 0, packet.length, v4, false) !== true) return this.reject('fragmentMalformed');
      family = 4;
      key = fragmentKey(4, packet, 12, 16, v4.protocol, v4.ident);
      ({ fragmentOffset: offset, moreFragments: more, payloadOffset: dataOff, payloadLength: dataLen } = v4);
      protocol = v4.protocol;
      headerLen = v4.headerLength;
    } else {
      if (parseIpv6(packet, 0, packet.length, v6) !== true || !v6.hasFragmentHeader) {
        return this.reject('fragmentMalformed');
      }
      family = 6;
      key = fragmentKey(6, packet, IPV6_SRC_OFFSET, IPV6_DST_OFFSET, 0, v6.fragmentIdent);
      ({ fragmentOffset: offset, moreFragments: more } = v6);
      // The fragmentable part starts right after the fragment header, which is the last
      // extension header walked for a later fragment, and for the first one sits just before
      // the extension headers that follow it.
      dataOff = fragmentableStart(packet);
      if (dataOff < 0) return this.reject('fragmentMalformed');
      dataLen = IPV6_HEADER_LENGTH + ((packet[4]! << 8) | packet[5]!) - dataOff;
      protocol = packet[dataOff - 8]!;
      headerLen = IPV6_HEADER_LENGTH;
    }
    const limit = family === 4 ? MAX_DATAGRAM - headerLen : MAX_DATAGRAM;
    const malformed =
      offset + dataLen > limit ||
      (more && (dataLen === 0 || dataLen % 8 !== 0)) ||
      (!more && dataLen === 0 && offset === 0);
    let p = this.partials.get(key);
    if (malformed) {
      if (p) this.drop(key, p, 'fragmentMalformed');
      return this.reject('fragmentMalformed');
    }
    if (!p) {
      while (this.partials.size >= this.limits.maxDatagrams) this.dropOldest();
      p = {
        family,
        deadline: now + (family === 4 ? this.limits.timeoutMs4 : this.limits.timeoutMs6),
        pieces: [],
        held: 0,
        end: -1,
        header: packet.slice(0, headerLen),
        headerFromFirst: false,
        protocol,
      };
      this.partials.set(key, p);
    } else if (p.protocol !== protocol) {
      this.drop(key, p, 'fragmentMalformed');
      return this.reject('fragmentMalformed');
    }
    const end = offset + dataLen;
    if (!more) {
      if ((p.end >= 0 && p.end !== end) || p.pieces.some((q) => q.offset + q.data.length > end)) {
        this.drop(key, p, 'fragmentMalformed');
        return this.reject('fragmentMalformed');
      }
      p.end = end;
    } else if (p.end >= 0 && end > p.end) {
      this.drop(key, p, 'fragmentMalformed');
      return this.reject('fragmentMalformed');
    }
    for (const q of p.pieces) {
      const qEnd = q.offset + q.data.length;
      if (q.offset === offset && qEnd === end) return this.reject('fragmentDuplicate');
      if (offset < qEnd && q.offset < end) {
        this.drop(key, p, 'fragmentOverlap');
        return this.reject('fragmentOverlap');
      }
    }
    const cost = dataLen + PIECE_OVERHEAD;
    if (p.pieces.length >= this.limits.maxFragments) {
      this.drop(key, p, 'fragmentLimit');
      return this.reject('fragmentLimit');
    }
    while (this.heldBytes + cost > this.limits.maxBytes && this.dropOldest(key)) {}
    if (this.heldBytes + cost > this.limits.maxBytes) {
      this.drop(key, p, 'fragmentLimit');
      return this.reject('fragmentLimit');
    }
    if (offset === 0) {
      p.header = packet.slice(0, headerLen);
      p.headerFromFirst = true;
    }
    p.pieces.push({ offset, data: packet.slice(dataOff, dataOff + dataLen) });
    p.held += dataLen;
    this.heldBytes += cost;
    if (p.end < 0 || p.held !== p.end || !p.headerFromFirst) return null;
    this.forget(key, p);
    this.lastFragments = p.pieces.length;
    return assemble(p);
  }

  /** Discards every datagram whose time ran out. */
  expire(now: number): void {
    // Deadlines grow with insertion order within a family; check all, the map is small.
    for (const [key, p] of this.partials) {
      if (p.deadline <= now) this.drop(key, p, 'fragmentTimeout');
    }
  }

  nextDeadline(): number {
    let next = Number.POSITIVE_INFINITY;
    for (const p of this.partials.values()) if (p.deadline < next) next = p.deadline;
    return next;
  }

  private reject(cause: ReassemblyDiscard): null {
    this.discard(cause, 1);
    return null;
  }

  private forget(key: string, p: Partial): void {
    this.partials.delete(key);
    this.heldBytes -= p.held + p.pieces.length * PIECE_OVERHEAD;
  }

  private drop(key: string, p: Partial, cause: ReassemblyDiscard): void {
    this.forget(key, p);
    if (p.pieces.length > 0) this.discard(cause, p.pieces.length);
  }

  /** Drops the oldest datagram other than `keep`; false if there is none. */
  private dropOldest(keep?: string): boolean {
    for (const [key, p] of this.partials) {
      if (key === keep) continue;
      this.drop(key, p, 'fragmentLimit');
      return true;
    }
    return false;
  }
}

/** Offset just past the IPv6 fragment header, or -1. */
function fragmentableStart(packet: Uint8Array): number {
  let next = packet[6]!;
  let at = IPV6_HEADER_LENGTH;
  // parseIpv6 has validated the chain up to and including the fragment header.
  while (next !== 44) {
    if (at + 2 > packet.length) return -1;
    const len = next === 51 ? (packet[at + 1]! + 2) * 4 : (packet[at + 1]! + 1) * 8;
    next = packet[at]!;
    at += len;
  }
  return at + 8;
}

function assemble(p: Partial): Uint8Array {
  const h = p.header.length;
  const out = new Uint8Array(h + p.end);
  copyBytes(p.header, 0, out, 0, h);
  for (const piece of p.pieces) copyBytes(piece.data, 0, out, h + piece.offset, piece.data.length);
  if (p.family === 4) {
    writeU16(out, 2, out.length);
    writeU16(out, 6, 0);
    fillIpv4HeaderChecksum(out, 0, h);
  } else {
    // The unfragmentable extension headers are dropped with the fragment header: the result is
    // the fixed header followed by the fragmentable part.
    writeU16(out, 4, p.end);
    out[6] = p.protocol;
  }
  return out;
}
