// ICMPv6 (RFC 4443). The checksum covers the IPv6 pseudo-header: pass ipv6PseudoHeaderSum with
// next header 58 and the message length.

import { echoRest, emitIcmpMessage, type IcmpRepr, parseIcmpHeader, readEcho } from './icmp.js';

export const Icmpv6Type = {
  DST_UNREACHABLE: 1,
  PACKET_TOO_BIG: 2,
  TIME_EXCEEDED: 3,
  PARAMETER_PROBLEM: 4,
  ECHO_REQUEST: 128,
  ECHO_REPLY: 129,
} as const;

export const Icmpv6Unreachable = {
  NO_ROUTE: 0,
  ADMIN_PROHIBITED: 1,
  BEYOND_SCOPE: 2,
  ADDRESS: 3,
  PORT: 4,
  SOURCE_POLICY: 5,
  REJECT_ROUTE: 6,
} as const;

export const Icmpv6TimeExceeded = { HOP_LIMIT: 0, REASSEMBLY: 1 } as const;

/** RFC 4443 2.4(c): an error message, IPv6 header included, stays within the minimum MTU. */
export const ICMPV6_MAX_QUOTE = 1280 - 40 - 8;

function isEcho(type: number): boolean {
  return type === Icmpv6Type.ECHO_REQUEST || type === Icmpv6Type.ECHO_REPLY;
}

/** Parses and checksums the message at `buf[off, off+len)`. Returns true or an error string. */
export function parseIcmpv6(
  buf: Uint8Array,
  off: number,
  len: number,
  repr: IcmpRepr,
  pseudoSum: number,
): boolean | string {
  const header = parseIcmpHeader(buf, off, len, repr, pseudoSum);
  if (header !== true) return header;
  if (isEcho(repr.type)) readEcho(repr);
  else if (repr.type === Icmpv6Type.PACKET_TOO_BIG) repr.mtu = repr.rest;
  else if (repr.type === Icmpv6Type.PARAMETER_PROBLEM) repr.pointer = repr.rest;
  return true;
}

function restOf(repr: IcmpRepr): number {
  if (isEcho(repr.type)) return echoRest(repr);
  if (repr.type === Icmpv6Type.PACKET_TOO_BIG) return repr.mtu >>> 0;
  if (repr.type === Icmpv6Type.PARAMETER_PROBLEM) return repr.pointer >>> 0;
  if (repr.type === Icmpv6Type.DST_UNREACHABLE || repr.type === Icmpv6Type.TIME_EXCEEDED) return 0;
  return repr.rest;
}

/** Like emitIcmpv4, with the pseudo-header sum the ICMPv6 checksum needs. */
export function emitIcmpv6(
  repr: IcmpRepr,
  buf: Uint8Array,
  off: number,
  data: Uint8Array | null,
  dataOff: number,
  pseudoSum: number,
): number {
  return emitIcmpMessage(repr, restOf(repr), buf, off, data, dataOff, pseudoSum);
}
