import { copyBytes } from './wire/bytes.js';
import { pseudoHeaderSumV4, pseudoHeaderSumV6 } from './wire/checksum.js';
import type { IcmpRepr } from './wire/icmp.js';
import { newIcmpRepr } from './wire/icmp.js';
import { emitIcmpv4, ICMPV4_MAX_QUOTE, Icmpv4Type, Icmpv4Unreachable, parseIcmpv4 } from './wire/icmpv4.js';
import { emitIcmpv6, ICMPV6_MAX_QUOTE, Icmpv6Type, Icmpv6Unreachable, parseIcmpv6 } from './wire/icmpv6.js';
import { IpProtocol } from './wire/ip-protocol.js';
import { emitIpv4, IPV4_HEADER_LENGTH, newIpv4Repr } from './wire/ipv4.js';
import { emitIpv6, IPV6_HEADER_LENGTH, newIpv6Repr } from './wire/ipv6.js';
import { emitUdp, fillUdpChecksum, newUdpRepr, UDP_HEADER_LENGTH } from './wire/udp.js';

const v4 = newIpv4Repr();
const v6 = newIpv6Repr();
const udp = newUdpRepr();
const icmp: IcmpRepr = newIcmpRepr();
let ident = 1;

/** Bytes of IP header the stack writes for a family (no options, no extension headers). */
export function ipHeaderLength(family: 4 | 6): number {
  return family === 4 ? IPV4_HEADER_LENGTH : IPV6_HEADER_LENGTH;
}

/**
 * Writes an IP header carrying `payloadLength` bytes of `protocol` from `src` to `dst` (address
 * bytes at the given offsets). Returns the header length and the upper-layer pseudo-header sum
 * through `pseudo[0]`.
 */
export function writeIpHeader(
  buf: Uint8Array,
  family: 4 | 6,
  src: Uint8Array,
  srcOff: number,
  dst: Uint8Array,
  dstOff: number,
  protocol: number,
  payloadLength: number,
  pseudo: Float64Array,
): number {
  if (family === 4) {
    v4.src =
      ((src[srcOff]! << 24) | (src[srcOff + 1]! << 16) | (src[srcOff + 2]! << 8) | src[srcOff + 3]!) >>> 0;
    v4.dst =
      ((dst[dstOff]! << 24) | (dst[dstOff + 1]! << 16) | (dst[dstOff + 2]! << 8) | dst[dstOff + 3]!) >>> 0;
    v4.protocol = protocol;
    v4.ttl = 64;
    v4.ident = ident = (ident + 1) & 0xffff;
    v4.dontFragment = protocol === IpProtocol.TCP;
    v4.payloadLength = payloadLength;
    pseudo[0] = pseudoHeaderSumV4(src, srcOff, dst, dstOff, protocol, payloadLength);
    return emitIpv4(v4, buf, 0);
  }
  copyBytes(src, srcOff, v6.src, 0, 16);
  copyBytes(dst, dstOff, v6.dst, 0, 16);
  v6.nextHeader = protocol;
  v6.hopLimit = 64;
  v6.payloadLength = payloadLength;
  pseudo[0] = pseudoHeaderSumV6(src, srcOff, dst, dstOff, protocol, payloadLength);
  return emitIpv6(v6, buf, 0);
}

const pseudo = new Float64Array(1);

/**
 * Builds a UDP datagram into `buf` from 0; `src`/`dst` are address bytes. Returns the packet
 * length. `buf` must hold ip header + 8 + payloadLength bytes.
 */
export function buildUdpPacket(
  buf: Uint8Array,
  family: 4 | 6,
  src: Uint8Array,
  srcOff: number,
  srcPort: number,
  dst: Uint8Array,
  dstOff: number,
  dstPort: number,
  payload: Uint8Array,
  payloadOff: number,
  payloadLength: number,
): number {
  const l4Length = UDP_HEADER_LENGTH + payloadLength;
  const h = writeIpHeader(buf, family, src, srcOff, dst, dstOff, IpProtocol.UDP, l4Length, pseudo);
  udp.srcPort = srcPort;
  udp.dstPort = dstPort;
  udp.payloadLength = payloadLength;
  emitUdp(udp, buf, h);
  copyBytes(payload, payloadOff, buf, h + UDP_HEADER_LENGTH, payloadLength);
  fillUdpChecksum(buf, h, l4Length, pseudo[0]!);
  return h + l4Length;
}

/**
 * If the packet is an ICMP/ICMPv6 echo request (already classified: `l4Offset`/`l4Length`,
 * addresses at `srcOff`/`dstOff`), writes the echo reply into `out` and returns its length;
 * returns 0 for anything else.
 */
export function buildEchoReply(
  buf: Uint8Array,
  family: 4 | 6,
  srcOff: number,
  dstOff: number,
  l4Offset: number,
  l4Length: number,
  out: Uint8Array,
): number {
  if (family === 4) {
    if (parseIcmpv4(buf, l4Offset, l4Length, icmp) !== true || icmp.type !== Icmpv4Type.ECHO_REQUEST)
      return 0;
    const h = writeIpHeader(out, 4, buf, dstOff, buf, srcOff, IpProtocol.ICMP, l4Length, pseudo);
    icmp.type = Icmpv4Type.ECHO_REPLY;
    icmp.code = 0;
    return h + emitIcmpv4(icmp, out, h, buf, icmp.dataOffset);
  }
  const inSum = pseudoHeaderSumV6(buf, srcOff, buf, dstOff, IpProtocol.ICMPV6, l4Length);
  if (parseIcmpv6(buf, l4Offset, l4Length, icmp, inSum) !== true || icmp.type !== Icmpv6Type.ECHO_REQUEST)
    return 0;
  const h = writeIpHeader(out, 6, buf, dstOff, buf, srcOff, IpProtocol.ICMPV6, l4Length, pseudo);
  icmp.type = Icmpv6Type.ECHO_REPLY;
  icmp.code = 0;
  return h + emitIcmpv6(icmp, out, h, buf, icmp.dataOffset, pseudo[0]!);
}

/**
 * Writes an ICMP host unreachable (ICMPv6 address unreachable) into `out` answering `original`
 * (a whole IP packet the namespace sent, e.g. a SYN), from its destination back to its source,
 * quoting as much of it as the error may carry. Returns the length, or 0 if `original` is not IP.
 */
export function buildUnreachable(original: Uint8Array, out: Uint8Array): number {
  const version = original.length > 0 ? original[0]! >>> 4 : 0;
  if (version === 4 && original.length >= IPV4_HEADER_LENGTH) {
    const quote = Math.min(original.length, ICMPV4_MAX_QUOTE);
    const h = writeIpHeader(out, 4, original, 16, original, 12, IpProtocol.ICMP, 8 + quote, pseudo);
    icmp.type = Icmpv4Type.DST_UNREACHABLE;
    icmp.code = Icmpv4Unreachable.HOST;
    icmp.dataLength = quote;
    return h + emitIcmpv4(icmp, out, h, original, 0);
  }
  if (version === 6 && original.length >= IPV6_HEADER_LENGTH) {
    const quote = Math.min(original.length, ICMPV6_MAX_QUOTE);
    const h = writeIpHeader(out, 6, original, 24, original, 8, IpProtocol.ICMPV6, 8 + quote, pseudo);
    icmp.type = Icmpv6Type.DST_UNREACHABLE;
    icmp.code = Icmpv6Unreachable.ADDRESS;
    icmp.dataLength = quote;
    return h + emitIcmpv6(icmp, out, h, original, 0, pseudo[0]!);
  }
  return 0;
}
