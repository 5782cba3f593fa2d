// ICMPv4 (RFC 792, RFC 1191 for the fragmentation-needed MTU).

import { echoRest, emitIcmpMessage, type IcmpRepr, parseIcmpHeader, readEcho } from './icmp.js';

export const Icmpv4Type = {
  ECHO_REPLY: 0,
  DST_UNREACHABLE: 3,
  REDIRECT: 5,
  ECHO_REQUEST: 8,
  TIME_EXCEEDED: 11,
  PARAMETER_PROBLEM: 12,
} as const;

export const Icmpv4Unreachable = {
  NET: 0,
  HOST: 1,
  PROTOCOL: 2,
  PORT: 3,
  FRAGMENTATION_NEEDED: 4,
  NET_PROHIBITED: 9,
  HOST_PROHIBITED: 10,
  ADMIN_PROHIBITED: 13,
} as const;

export const Icmpv4TimeExceeded = { TTL: 0, REASSEMBLY: 1 } as const;

/** RFC 1812 4.3.2.3: an error message, IP header included, stays within 576 bytes. */
export const ICMPV4_MAX_QUOTE = 576 - 20 - 8;

function isEcho(type: number): boolean {
  return type === Icmpv4Type.ECHO_REQUEST || type === Icmpv4Type.ECHO_REPLY;
}

/** Parses and checksums the message at `buf[off, off+len)`. Returns true or an error string. */
export function parseIcmpv4(buf: Uint8Array, off: number, len: number, repr: IcmpRepr): boolean | string {
  const header = parseIcmpHeader(buf, off, len, repr, 0);
  if (header !== true) return header;
  if (isEcho(repr.type)) {
    readEcho(repr);
  } else if (
    repr.type === Icmpv4Type.DST_UNREACHABLE &&
    repr.code === Icmpv4Unreachable.FRAGMENTATION_NEEDED
  ) {
    repr.mtu = repr.rest & 0xffff;
  } else if (repr.type === Icmpv4Type.PARAMETER_PROBLEM) {
    repr.pointer = repr.rest >>> 24;
  }
  return true;
}

function restOf(repr: IcmpRepr): number {
  if (isEcho(repr.type)) return echoRest(repr);
  if (repr.type === Icmpv4Type.DST_UNREACHABLE) {
    return repr.code === Icmpv4Unreachable.FRAGMENTATION_NEEDED ? repr.mtu & 0xffff : 0;
  }
  if (repr.type === Icmpv4Type.TIME_EXCEEDED) return 0;
  if (repr.type === Icmpv4Type.PARAMETER_PROBLEM) return ((repr.pointer & 0xff) << 24) >>> 0;
  return repr.rest;
}

/**
 * Writes the message with its checksum: header, then `repr.dataLength` bytes from `data` at
 * `dataOff` (echo payload, or the original datagram for errors; null = already in place).
 * Returns the message length.
 */
export function emitIcmpv4(
  repr: IcmpRepr,
  buf: Uint8Array,
  off: number,
  data: Uint8Array | null,
  dataOff: number,
): number {
  return emitIcmpMessage(repr, restOf(repr), buf, off, data, dataOff, 0);
}
