// Splitting a datagram larger than the link MTU into fragments (RFC 791 §3.2, RFC 8200 §4.5), as
// the sending host would: faultnet stands in for the host toward the namespace. Input packets are
// ones the stack built: an IPv4 header without options or an IPv6 fixed header without extension
// headers.

import { copyBytes, writeU16, writeU32 } from '../wire/bytes.js';
import { fillIpv4HeaderChecksum, IPV4_HEADER_LENGTH } from '../wire/ipv4.js';
import { IPV6_HEADER_LENGTH } from '../wire/ipv6.js';

const FRAGMENT_HEADER_LENGTH = 8;
const IPV6_FRAGMENT = 44;

export class Fragmenter {
  /** Large enough for one fragment at any MTU we allow. */
  private readonly out: Uint8Array;
  /** RFC 7739: IPv6 identifications should not be predictable; a random start serves here. */
  private ident6 = (Math.random() * 0x1_0000_0000) >>> 0;

  constructor(private readonly mtu: number) {
    this.out = new Uint8Array(mtu);
  }

  /**
   * Calls `emit` with each fragment of `packet` in order (the buffer is reused: valid during the
   * call). Returns the number of fragments, 0 if the packet fits the MTU already or is an IPv4
   * packet marked don't-fragment (the caller decides what that means).
   */
  fragment(packet: Uint8Array, emit: (fragment: Uint8Array) => void): number {
    if (packet.length <= this.mtu) return 0;
    return packet[0]! >>> 4 === 4 ? this.fragment4(packet, emit) : this.fragment6(packet, emit);
  }

  private fragment4(packet: Uint8Array, emit: (fragment: Uint8Array) => void): number {
    if ((packet[6]! & 0x40) !== 0) return 0;
    const h = IPV4_HEADER_LENGTH;
    const step = ((this.mtu - h) >>> 3) << 3;
    const out = this.out;
    let count = 0;
    for (let at = h; at < packet.length; at += step) {
      const n = Math.min(step, packet.length - at);
      const more = at + n < packet.length;
      copyBytes(packet, 0, out, 0, h);
      writeU16(out, 2, h + n);
      writeU16(out, 6, (more ? 0x2000 : 0) | ((at - h) >>> 3));
      fillIpv4HeaderChecksum(out, 0, h);
      copyBytes(packet, at, out, h, n);
      emit(out.subarray(0, h + n));
      count++;
    }
    return count;
  }

  private fragment6(packet: Uint8Array, emit: (fragment: Uint8Array) => void): number {
    const h = IPV6_HEADER_LENGTH + FRAGMENT_HEADER_LENGTH;
    const step = ((this.mtu - h) >>> 3) << 3;
    const out = this.out;
    const next = packet[6]!;
    this.ident6 = (this.ident6 + 1) >>> 0;
    let count = 0;
    for (let at = IPV6_HEADER_LENGTH; at < packet.length; at += step) {
      const n = Math.min(step, packet.length - at);
      const more = at + n < packet.length;
      copyBytes(packet, 0, out, 0, IPV6_HEADER_LENGTH);
      writeU16(out, 4, FRAGMENT_HEADER_LENGTH + n);
      out[6] = IPV6_FRAGMENT;
      out[IPV6_HEADER_LENGTH] = next;
      out[IPV6_HEADER_LENGTH + 1] = 0;
      writeU16(out, IPV6_HEADER_LENGTH + 2, (at - IPV6_HEADER_LENGTH) | (more ? 1 : 0));
      writeU32(out, IPV6_HEADER_LENGTH + 4, this.ident6);
      copyBytes(packet, at, out, h, n);
      emit(out.subarray(0, h + n));
      count++;
    }
    return count;
  }
}
