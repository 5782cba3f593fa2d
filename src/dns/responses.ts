import { type Answer, encode, type OptAnswer } from 'dns-packet';
import { readU16, writeU16 } from '../../stack/wire/bytes.js';
import {
  type DnsQuery,
  FLAG_AA,
  FLAG_CD,
  FLAG_QR,
  FLAG_RA,
  FLAG_RD,
  FLAG_TC,
  HEADER_SIZE,
  OPCODE_MASK,
  RCODE_NXDOMAIN,
  RCODE_SERVFAIL,
} from './query.js';

// The buffer size faultnet announces itself: the DNS flag day 2020 value, safe from fragmentation.
const ADVERTISED_UDP_SIZE = 1232;

const OUR_OPT: OptAnswer = {
  type: 'OPT',
  name: '.',
  udpPayloadSize: ADVERTISED_UDP_SIZE,
  extendedRcode: 0,
  ednsVersion: 0,
  flags: 0,
  flag_do: false,
  options: [],
};

// Synthesised negative answers carry TTL 0 and SOA minimum 0 so no client caches the injected
// fault beyond the query it was injected into. The names say plainly where the record came from.
const SYNTHETIC_SOA = {
  mname: 'faultnet.invalid',
  rname: 'hostmaster.faultnet.invalid',
  serial: 1,
  refresh: 3600,
  retry: 600,
  expire: 86400,
  minimum: 0,
};

/** A 12-byte answer without a question, for queries whose question cannot be echoed. */
export function headerOnlyAnswer(query: Uint8Array, rcode: number): Uint8Array {
  const out = new Uint8Array(HEADER_SIZE);
  out[0] = query[0]!;
  out[1] = query[1]!;
  writeU16(out, 2, FLAG_QR | (readU16(query, 2) & (OPCODE_MASK | FLAG_RD | FLAG_CD)) | FLAG_RA | rcode);
  return out;
}

/** The header flags a recursive resolver sets on its answer to `query`. */
export function answerFlags(query: DnsQuery, rcode: number, authoritative: boolean): number {
  return FLAG_QR | (query.flags & (FLAG_RD | FLAG_CD)) | FLAG_RA | (authoritative ? FLAG_AA : 0) | rcode;
}

/**
 * An answer echoing the query's id and question byte for byte, with `flags` (QR, AA, TC, RD, RA,
 * CD, rcode) and the given records; an OPT record when the query had one (RFC 6891 6.1.1).
 */
export function buildAnswer(
  query: DnsQuery,
  flags: number,
  answers: Answer[],
  authorities: Answer[] = [],
): Uint8Array {
  const records = encode({
    type: 'response',
    id: query.id,
    flags,
    questions: [],
    answers,
    authorities,
    additionals: query.edns ? [OUR_OPT] : [],
  });
  const question = query.bytes.subarray(HEADER_SIZE, query.questionEnd);
  const out = new Uint8Array(records.length + question.length);
  out.set(records.subarray(0, HEADER_SIZE), 0);
  writeU16(out, 4, 1);
  out.set(question, HEADER_SIZE);
  out.set(records.subarray(HEADER_SIZE), HEADER_SIZE + question.length);
  return out;
}

/** NXDOMAIN as a recursive resolver relays it: no AA, the (synthetic) SOA of the parent zone. */
export function nxdomainAnswer(query: DnsQuery): Uint8Array {
  const soa: Answer = { type: 'SOA', name: parentZone(query.name), ttl: 0, data: SYNTHETIC_SOA };
  return buildAnswer(query, answerFlags(query, RCODE_NXDOMAIN, false), [], [soa]);
}

/** SERVFAIL as a recursive resolver sends it when it cannot get an answer. */
export function servfailAnswer(query: DnsQuery): Uint8Array {
  return buildAnswer(query, answerFlags(query, RCODE_SERVFAIL, false), []);
}

function parentZone(name: string): string {
  const dot = name.indexOf('.');
  return dot < 0 || dot === name.length - 1 ? '.' : name.slice(dot + 1);
}

/**
 * What a UDP client gets: the answer itself when it fits both the client's buffer and `room` (what
 * its link carries unfragmented, as DNS Flag Day 2020 asks), otherwise the same header with TC set
 * and only the question (RFC 2181 9: a truncated answer may carry no records), so the client
 * repeats the query over TCP.
 */
export function fitForUdp(query: DnsQuery, answer: Uint8Array, room = Number.POSITIVE_INFINITY): Uint8Array {
  if (answer.length <= Math.min(query.udpLimit, room)) return answer;
  return buildAnswer(query, readU16(answer, 2) | FLAG_TC, []);
}
